package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** Deletes what the retention no longer keeps. Each table in its own statements; idempotent. */
final class Purge {
  private Purge() {}

  static long purge(Connection c, Retention r, Instant now) throws SQLException {
    long n = 0;
    if (r.alerts() != null) {
      long before = cutoff(now, r.alerts());
      n += delete(c, "DELETE FROM alert_history WHERE alert_id IN (SELECT alert_id FROM alert WHERE state = 'RESOLVED' "
          + "AND updated_at < ?)", before);
      n += delete(c, "DELETE FROM alert WHERE state = 'RESOLVED' AND updated_at < ?", before);
    }
    if (r.identities() != null) {
      long before = cutoff(now, r.identities());
      n += delete(c, "DELETE FROM identity_term WHERE event_id IN (SELECT id FROM identity_event WHERE entry_time < ?)",
          before);
      n += delete(c, "DELETE FROM identity_event WHERE entry_time < ?", before);
    }
    if (r.logEvents() != null) {
      n += delete(c, "DELETE FROM log_event WHERE at < ?", cutoff(now, r.logEvents()));
    }
    if (r.replays() != null) {
      long before = cutoff(now, r.replays());
      n += delete(c, "DELETE FROM replay_alert WHERE replay IN (SELECT name FROM replay_run WHERE finished_at < ?)",
          before);
      n += delete(c, "DELETE FROM replay_run WHERE finished_at < ?", before);
    }
    return n;
  }

  private static long cutoff(Instant now, Duration keep) {
    return now.minus(keep).toEpochMilli();
  }

  private static long delete(Connection c, String sql, long before) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, before);
      return p.executeUpdate();
    }
  }
}
