package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trust:} — where the trust state comes from while sigwatch runs, and how it is refreshed.
 *
 * @param tuf which TUF repository: {@code public-good} (default), {@code staging}, or a private instance's
 *     {@code mirror} with its {@code root} ({@code root.json} trusted on first use)
 * @param refreshInterval how often the TUF repository is read again. Default PT1H: Sigstore publishes key and shard
 *     changes days ahead of use, and a refresh is a few small requests (metadata unchanged: one timestamp.json)
 * @param alertAfter a refresh failing for this long (the last good state is kept meanwhile) raises one HEALTH alert.
 *     Default PT6H: a CDN outage of minutes is noise, a day without refresh may miss a rotation
 * @param monitorConfig a protobuf-specs {@code MonitorConfig} file (read URLs of Rekor logs); overrides the TUF
 *     repository's {@code monitor_config.json} until Sigstore ships one
 * @param followRetiredFor a log whose key validity ended less than this long ago is still read (so a retired shard's
 *     last entries are ingested and audited until it is frozen). Default P30D
 */
public record TrustConfigSection(@JsonProperty("tuf") Tuf tuf, @JsonProperty("refreshInterval") String refreshInterval,
    @JsonProperty("alertAfter") String alertAfter, @JsonProperty("monitorConfig") Path monitorConfig,
    @JsonProperty("followRetiredFor") String followRetiredFor) {
  public static final TrustConfigSection DEFAULT = new TrustConfigSection(null, null, null, null, null);

  /**
   * @param instance {@code public-good} or {@code staging} (the roots embedded in sigstore-java); ignored with a mirror
   * @param mirror a private TUF repository's URL
   * @param root that repository's initial {@code root.json}
   */
  public record Tuf(@JsonProperty("instance") String instance, @JsonProperty("mirror") URI mirror,
      @JsonProperty("root") Path root) {}

  public TrustConfigSection {
    tuf = tuf == null ? new Tuf(null, null, null) : tuf;
    refreshInterval = refreshInterval == null ? "PT1H" : refreshInterval;
    alertAfter = alertAfter == null ? "PT6H" : alertAfter;
    followRetiredFor = followRetiredFor == null ? "P30D" : followRetiredFor;
  }

  public Duration refreshEvery() {
    return Duration.parse(refreshInterval);
  }

  public Duration failureAlertAfter() {
    return Duration.parse(alertAfter);
  }

  public Duration retiredFor() {
    return Duration.parse(followRetiredFor);
  }

  private static void duration(List<String> p, String key, String value, boolean positive) {
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || positive && d.isZero()) p.add(key + " must be " + (positive ? "> 0" : ">= 0") + ", was " + value);
    } catch (java.time.format.DateTimeParseException e) {
      p.add(key + " '" + value + "' is not an ISO-8601 duration (PT1H, P30D)");
    }
  }

  /** One message per bad value. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    duration(p, "trust.refreshInterval", refreshInterval, true);
    duration(p, "trust.alertAfter", alertAfter, false);
    duration(p, "trust.followRetiredFor", followRetiredFor, false);
    String i = tuf.instance();
    if (i != null && !i.equals("public-good") && !i.equals("staging")) {
      p.add("trust.tuf.instance is '" + i + "': use public-good or staging, or give trust.tuf.mirror and trust.tuf.root");
    }
    if ((tuf.mirror() == null) != (tuf.root() == null)) {
      p.add("trust.tuf.mirror and trust.tuf.root go together: a private TUF repository needs its initial root.json");
    }
    if (tuf.root() != null && !Files.isRegularFile(tuf.root())) {
      p.add("trust.tuf.root " + tuf.root() + " does not exist or is not a file");
    }
    if (monitorConfig != null && !Files.isRegularFile(monitorConfig)) {
      p.add("trust.monitorConfig " + monitorConfig + " does not exist or is not a file");
    }
    return p;
  }
}
