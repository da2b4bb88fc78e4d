package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.AlertDetail;
import dev.sigwatch.alert.store.AlertHistory;
import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.schemas.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Alert listings, details and a person's acknowledge / resolve. Stateless; runs on the caller's connection. */
final class AlertReads {
  static final int MAX_WHO = 200;
  static final int MAX_WHY = 2000;

  private AlertReads() {}

  static Page<StoredAlert> alerts(Connection c, AlertQuery q) throws SQLException {
    Sql s = new Sql("SELECT " + Rows.ALERT_COLUMNS + " FROM alert WHERE 1 = 1");
    s.in("type", q.types());
    s.in("severity", q.severities().stream().map(Severity::name).toList());
    if (q.minSeverity() != null) s.and("severity_rank >= ?", q.minSeverity().ordinal());
    s.in("state", q.states().stream().map(AlertState::name).toList());
    if (q.logId() != null) s.and("log_id = ?", q.logId());
    if (q.ruleId() != null) s.and("rule_id = ?", q.ruleId());
    if (q.identity() != null) {
      s.and("LOWER(identity) LIKE ? ESCAPE '\\'", "%" + Sql.likeEscape(q.identity().toLowerCase(Locale.ROOT)) + "%");
    }
    if (q.from() != null) s.and("created_at >= ?", q.from().toEpochMilli());
    if (q.to() != null) s.and("created_at < ?", q.to().toEpochMilli());
    if (q.cursor() != null) {
      Cursors.AlertKey k = Cursors.alert(q.cursor());
      s.and("(created_at < ? OR (created_at = ? AND alert_id < ?))", k.createdAt(), k.createdAt(), k.alertId());
    }
    s.append(" ORDER BY created_at DESC, alert_id DESC LIMIT ?", q.limit() + 1);
    List<StoredAlert> out = new ArrayList<>();
    try (PreparedStatement p = s.prepare(c); ResultSet r = p.executeQuery()) {
      while (r.next()) out.add(Rows.alert(r));
    }
    return page(out, q.limit());
  }

  static Page<StoredAlert> page(List<StoredAlert> rows, int limit) {
    if (rows.size() <= limit) return new Page<>(rows, null);
    List<StoredAlert> items = rows.subList(0, limit);
    StoredAlert last = items.get(limit - 1);
    return new Page<>(items, Cursors.alert(last.createdAt().toEpochMilli(), last.alertId()));
  }

  static Optional<AlertDetail> detail(Connection c, String alertId) throws SQLException {
    Optional<StoredAlert> a = one(c, alertId);
    if (a.isEmpty()) return Optional.empty();
    List<AlertHistory> h = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT at, kind, actor, reason, detail, event_id "
        + "FROM alert_history WHERE alert_id = ? ORDER BY at, id")) {
      p.setString(1, alertId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          h.add(new AlertHistory(Instant.ofEpochMilli(r.getLong(1)), r.getString(2), r.getString(3), r.getString(4),
              Rows.map(r.getString(5)), r.getString(6)));
        }
      }
    }
    return Optional.of(new AlertDetail(a.get(), h));
  }

  static Optional<StoredAlert> one(Connection c, String alertId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT " + Rows.ALERT_COLUMNS + " FROM alert WHERE alert_id = ?")) {
      p.setString(1, alertId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(Rows.alert(r)) : Optional.empty();
      }
    }
  }

  /** A person's action: {@code to} ACKNOWLEDGED (a resolved alert stays resolved) or RESOLVED, in one transaction. */
  static Optional<StoredAlert> act(Connection c, String alertId, AlertState to, String who, String why, long now)
      throws SQLException {
    checkActor(who, why);
    String sql = to == AlertState.ACKNOWLEDGED
        ? "UPDATE alert SET state = CASE WHEN state = 'RESOLVED' THEN state ELSE 'ACKNOWLEDGED' END, updated_at = ? "
            + "WHERE alert_id = ?"
        : "UPDATE alert SET state = 'RESOLVED', updated_at = ? WHERE alert_id = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, now);
      p.setString(2, alertId);
      if (p.executeUpdate() == 0) return Optional.empty();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO alert_history (alert_id, event_id, at, kind, actor, "
        + "reason, detail) VALUES (?, NULL, ?, ?, ?, ?, ?)")) {
      p.setString(1, alertId);
      p.setLong(2, now);
      p.setString(3, to.name());
      p.setString(4, who);
      p.setString(5, why == null ? "" : why);
      p.setString(6, Rows.json(Map.<String, String>of()));
      p.executeUpdate();
    }
    return one(c, alertId);
  }

  private static void checkActor(String who, String why) {
    if (who == null || who.isBlank() || who.length() > MAX_WHO) {
      throw new IllegalArgumentException("who must be 1.." + MAX_WHO + " characters (the person acting)");
    }
    if (why != null && why.length() > MAX_WHY) {
      throw new IllegalArgumentException("why must be at most " + MAX_WHY + " characters, was " + why.length());
    }
  }
}
