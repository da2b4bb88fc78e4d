package dev.sigwatch.match;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.match.watchlist.MonitoredValues;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings of the match stage.
 *
 * @param trustedRoot the trusted root whose Fulcio CAs decide "Fulcio-issued" vs "lookalike"
 * @param monitoredValues the configured watchlist (published to the watchlist topic at start)
 * @param joinWindow how long (event time) a CT issuance waits for its Rekor use and vice versa; 10 minutes by
 *     default, Fulcio certificates' lifetime
 * @param applicationId Kafka Streams application id (consumer group, state and internal topic prefix)
 * @param currentRoot where the trusted root comes from while the stage runs (TUF refreshes it: a new Fulcio CA counts
 *     as Fulcio-issued without a restart); null: {@code trustedRoot} for good. Read at every chain check, so it must
 *     be cheap and thread-safe (an atomic reference).
 */
public record MatchSettings(TrustedRoot trustedRoot, MonitoredValues monitoredValues, Duration joinWindow,
    String applicationId, Supplier<TrustedRoot> currentRoot) {
  /** The default join window as ISO-8601 text (a constant, for picocli's default values). */
  public static final String DEFAULT_JOIN_WINDOW_TEXT = "PT10M";
  public static final Duration DEFAULT_JOIN_WINDOW = Duration.parse(DEFAULT_JOIN_WINDOW_TEXT);
  public static final String DEFAULT_APPLICATION_ID = "sigwatch-match";

  public MatchSettings {
    Objects.requireNonNull(trustedRoot, "trustedRoot");
    monitoredValues = monitoredValues == null ? MonitoredValues.EMPTY : monitoredValues;
    joinWindow = joinWindow == null ? DEFAULT_JOIN_WINDOW : joinWindow;
    if (joinWindow.isNegative() || joinWindow.isZero()) {
      throw new IllegalArgumentException("joinWindow must be > 0, was " + joinWindow);
    }
    if (applicationId == null || applicationId.isBlank()) {
      applicationId = DEFAULT_APPLICATION_ID;
    }
    var problems = monitoredValues.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Settings whose trusted root stays {@code trustedRoot}. */
  public MatchSettings(TrustedRoot trustedRoot, MonitoredValues monitoredValues, Duration joinWindow,
                       String applicationId) {
    this(trustedRoot, monitoredValues, joinWindow, applicationId, null);
  }

  /** The trusted root now: {@code currentRoot}'s when set, else {@code trustedRoot}. */
  public TrustedRoot root() {
    TrustedRoot r = currentRoot == null ? null : currentRoot.get();
    return r == null ? trustedRoot : r;
  }

  /** These settings with the trusted root read from {@code currentRoot} while the stage runs. */
  public MatchSettings withCurrentRoot(Supplier<TrustedRoot> currentRoot) {
    return new MatchSettings(trustedRoot, monitoredValues, joinWindow, applicationId, currentRoot);
  }
}
