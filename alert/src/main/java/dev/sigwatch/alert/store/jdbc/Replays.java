package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.schemas.Alert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replay runs and the alerts they raised, apart from the live alerts. Stateless. */
final class Replays {
  private static final String COLUMNS = "name, watchlist, source, from_spec, to_spec, log_id, state, scanned, total, "
      + "matches, started_at, updated_at, finished_at, error, output, after_id";

  private Replays() {}

  static void create(Connection c, ReplayRun r) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO replay_run (" + COLUMNS + ") VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
      int i = 1;
      p.setString(i++, r.name());
      p.setString(i++, r.watchlist());
      p.setString(i++, r.source());
      p.setString(i++, r.fromSpec());
      p.setString(i++, r.toSpec());
      p.setString(i++, r.logId());
      p.setString(i++, r.state().name());
      p.setLong(i++, r.scanned());
      p.setLong(i++, r.total());
      p.setLong(i++, r.matches());
      p.setLong(i++, r.startedAt().toEpochMilli());
      p.setLong(i++, r.updatedAt() == null ? r.startedAt().toEpochMilli() : r.updatedAt().toEpochMilli());
      Rows.setLong(p, i++, r.finishedAt() == null ? null : r.finishedAt().toEpochMilli());
      p.setString(i++, r.error());
      p.setString(i++, r.output());
      p.setLong(i, r.afterId());
      if (p.executeUpdate() == 0) {
        throw new IllegalArgumentException("a replay named '" + r.name() + "' exists; choose another name or delete it");
      }
    }
  }

  static void progress(Connection c, String name, long scanned, long total, long matches, long now)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE replay_run SET scanned = ?, total = ?, matches = ?, updated_at = ? WHERE name = ?")) {
      p.setLong(1, scanned);
      p.setLong(2, total);
      p.setLong(3, matches);
      p.setLong(4, now);
      p.setString(5, name);
      p.executeUpdate();
    }
  }

  static void chunkDone(Connection c, String name, long afterId, long scanned, long total, long matches, long now)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE replay_run SET after_id = ?, scanned = ?, total = ?, "
        + "matches = ?, updated_at = ? WHERE name = ?")) {
      p.setLong(1, afterId);
      p.setLong(2, scanned);
      p.setLong(3, total);
      p.setLong(4, matches);
      p.setLong(5, now);
      p.setString(6, name);
      p.executeUpdate();
    }
  }

  static void resume(Connection c, String name, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE replay_run SET state = 'RUNNING', error = NULL, "
        + "finished_at = NULL, updated_at = ? WHERE name = ? AND state IN ('FAILED', 'CANCELLED', 'RUNNING')")) {
      p.setLong(1, now);
      p.setString(2, name);
      if (p.executeUpdate() == 0) {
        throw new IllegalArgumentException("no stopped replay named '" + name + "' to resume (unknown, or DONE)");
      }
    }
  }

  static void finish(Connection c, String name, ReplayRun.State state, String error, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE replay_run SET state = ?, error = ?, finished_at = ?, updated_at = ? WHERE name = ?")) {
      p.setString(1, state.name());
      p.setString(2, error);
      p.setLong(3, now);
      p.setLong(4, now);
      p.setString(5, name);
      p.executeUpdate();
    }
  }

  static void results(Connection c, String name, List<Alert> alerts, long now) throws SQLException {
    if (alerts.isEmpty()) return;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO replay_alert (replay, alert_id, type, severity, log_id, "
        + "log_index, uuid, rule_id, identity, summary, certificate, evidence, created_at, stored_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (replay, alert_id) DO NOTHING")) {
      for (Alert a : alerts) {
        int i = 1;
        p.setString(i++, name);
        p.setString(i++, a.getAlertId());
        p.setString(i++, a.getType());
        p.setString(i++, a.getSeverity().name());
        p.setString(i++, a.getLogId());
        Rows.setLong(p, i++, a.getLogIndex());
        p.setString(i++, a.getUuid());
        p.setString(i++, a.getRuleId());
        p.setString(i++, a.getIdentity());
        p.setString(i++, a.getSummary());
        p.setString(i++, Rows.json(a.getCertificate()));
        p.setString(i++, Rows.json(a.getEvidence()));
        p.setLong(i++, a.getCreatedAtMillis());
        p.setLong(i, now);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  static Optional<ReplayRun> one(Connection c, String name) throws SQLException {
    List<ReplayRun> l = list(c, name);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  static List<ReplayRun> list(Connection c, String name) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM replay_run" + (name == null ? "" : " WHERE name = ?")
        + " ORDER BY started_at DESC, name";
    List<ReplayRun> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      if (name != null) p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new ReplayRun(r.getString("name"), r.getString("watchlist"), r.getString("source"),
              r.getString("from_spec"), r.getString("to_spec"), r.getString("log_id"),
              ReplayRun.State.valueOf(r.getString("state")), r.getLong("scanned"), r.getLong("total"),
              r.getLong("matches"), Rows.instant(r, "started_at"), Rows.instant(r, "updated_at"),
              Rows.instant(r, "finished_at"), r.getString("error"), r.getString("output"), r.getLong("after_id")));
        }
      }
    }
    return out;
  }

  static Page<StoredAlert> alerts(Connection c, String name, String cursor, int limit) throws SQLException {
    if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
    Sql s = new Sql("SELECT alert_id, type, severity, log_id, log_index, uuid, rule_id, identity, summary, "
        + "certificate, evidence, created_at, stored_at, stored_at AS updated_at, 1 AS observations "
        + "FROM replay_alert WHERE replay = ?", name);
    if (cursor != null) {
      Cursors.AlertKey k = Cursors.alert(cursor);
      s.and("(created_at < ? OR (created_at = ? AND alert_id < ?))", k.createdAt(), k.createdAt(), k.alertId());
    }
    s.append(" ORDER BY created_at DESC, alert_id DESC LIMIT ?", limit + 1);
    List<StoredAlert> out = new ArrayList<>();
    try (PreparedStatement p = s.prepare(c); ResultSet r = p.executeQuery()) {
      while (r.next()) out.add(Rows.alert(r, AlertState.OPEN));
    }
    return AlertReads.page(out, limit);
  }

  static boolean delete(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM replay_alert WHERE replay = ?")) {
      p.setString(1, name);
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("DELETE FROM replay_run WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() > 0;
    }
  }
}
