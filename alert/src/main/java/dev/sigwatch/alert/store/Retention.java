package dev.sigwatch.alert.store;

import java.time.Duration;

/**
 * How long each table keeps rows, by the row's time; null keeps forever. Open or acknowledged alerts are never
 * deleted by age: only resolved ones.
 *
 * @param alerts resolved alerts (with their history), by last update
 * @param identities identity events, by entry time
 * @param logEvents log events, by event time
 * @param replays finished replay runs with their results, by finish time
 */
public record Retention(Duration alerts, Duration identities, Duration logEvents, Duration replays) {
  /** Alerts a year, identity events 90 days (as the identities topic), log events 90 days, replays 30 days. */
  public static final Retention DEFAULT =
      new Retention(Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(90), Duration.ofDays(30));

  public Retention {
    for (Duration d : new Duration[] {alerts, identities, logEvents, replays}) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException("retention must be positive or absent (forever), was " + d);
      }
    }
  }
}
