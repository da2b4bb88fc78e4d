package dev.sigwatch.alert.sink;

import java.time.Clock;

/**
 * What every sink may use besides its own settings.
 *
 * @param webUrl base URL of sigwatch's web page ({@code alerts.webUrl}); sinks that show a human an alert link to
 *     {@link #alertLink}; null when not configured
 * @param clock wall clock (webhook timestamps, digests)
 */
public record SinkContext(String webUrl, Clock clock) {
  public static SinkContext defaults() {
    return new SinkContext(null, Clock.systemUTC());
  }

  /** The web page of one alert, {@code <webUrl>/alerts/<alertId>}, or null without {@code alerts.webUrl}. */
  public String alertLink(String alertId) {
    if (webUrl == null || webUrl.isBlank()) return null;
    return (webUrl.endsWith("/") ? webUrl : webUrl + "/") + "alerts/" + alertId;
  }
}
