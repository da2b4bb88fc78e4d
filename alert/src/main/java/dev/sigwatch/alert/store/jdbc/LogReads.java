package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.LogEventRow;
import dev.sigwatch.alert.store.LogStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Per-log status and history. Stateless. */
final class LogReads {
  private LogReads() {}

  static List<LogStatus> logs(Connection c, String logId) throws SQLException {
    String open = "SELECT COUNT(*) FROM alert a WHERE a.log_id = s.log_id AND a.state <> 'RESOLVED' AND a.type NOT IN ("
        + String.join(", ", AlertTypes.IDENTITY_TYPES.stream().map(t -> "'" + t + "'").toList()) + ")";
    String sql = "SELECT s.*, (" + open + ") AS open_incidents FROM log_status s"
        + (logId == null ? "" : " WHERE s.log_id = ?") + " ORDER BY s.log_id";
    List<LogStatus> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      if (logId != null) p.setString(1, logId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          Long size = Rows.nullableLong(r, "size");
          Long audited = Rows.nullableLong(r, "audited_to");
          out.add(new LogStatus(r.getString("log_id"), size, Rows.nullableLong(r, "verified_size"),
              r.getString("verified_root"), Rows.instant(r, "verified_at"), audited,
              size == null || audited == null ? null : Math.max(0, size - audited), r.getInt("open_incidents"),
              r.getString("last_error"), Rows.instant(r, "last_error_at"), Rows.instant(r, "updated_at")));
        }
      }
    }
    return out;
  }

  static List<LogEventRow> events(Connection c, String logId, Instant since, int limit) throws SQLException {
    if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
    Sql s = new Sql("SELECT event_id, log_id, type, tree_size, root_hex, at, detail FROM log_event WHERE log_id = ?",
        logId);
    if (since != null) s.and("at >= ?", since.toEpochMilli());
    s.append(" ORDER BY at DESC, event_id DESC LIMIT ?", limit);
    List<LogEventRow> out = new ArrayList<>();
    try (PreparedStatement p = s.prepare(c); ResultSet r = p.executeQuery()) {
      while (r.next()) {
        out.add(new LogEventRow(r.getString(1), r.getString(2), r.getString(3), Rows.nullableLong(r, "tree_size"),
            r.getString(5), Instant.ofEpochMilli(r.getLong(6)), Rows.map(r.getString(7))));
      }
    }
    return out;
  }
}
