package dev.sigwatch.alert.store.jdbc;

import static dev.sigwatch.alert.store.jdbc.Rows.clip;
import static dev.sigwatch.alert.store.jdbc.Rows.json;

import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.SubjectAltName;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes one consumer poll in the caller's transaction: identity events (deduplicated by log, index and signer),
 * log events (by event id) with their effect on alerts and log status, alerts (by alert id), then the offsets.
 * Stateless apart from the clock; confined to the calling thread.
 */
final class BatchWriter {
  /** Index entries are bounded (PostgreSQL's btree refuses entries over ~2.7 kB): longer terms are indexed clipped. */
  static final int MAX_INDEXED = 512;
  static final int KIND_SAN = 1;
  static final int KIND_SUBJECT = 2;
  static final int KIND_KEY = 3;

  /** Log events that end or continue the incident of the alert named by their {@code alertId} detail. */
  static final Set<String> ALERT_EVENTS = Set.of("INCIDENT_CONTINUES", "INCIDENT_RESOLVED", "RECOVERED");
  private static final Set<String> RESOLVING = Set.of("INCIDENT_RESOLVED", "RECOVERED");
  /** Log events whose tree size is a size the log signed. */
  private static final Set<String> SIZE_EVENTS =
      Set.of("CHECKPOINT_VERIFIED", "CONSISTENCY_UNPROVEN", "SHARD_ROTATED", "RECOVERED", "AUDITED");

  private BatchWriter() {}

  static void identities(Connection c, List<IdentityEvent> events) throws SQLException {
    if (events.isEmpty()) return;
    List<IdentityEvent> fresh = unseen(c, events);
    if (fresh.isEmpty()) return;
    long id = allocate(c, fresh.size());
    try (PreparedStatement e = c.prepareStatement("INSERT INTO identity_event (id, source, log_id, log_index, signer, "
        + "uuid, entry_time, observed_at, entry_kind, entry_version, oidc_issuer, cert_sha256, cert_serial, "
        + "cert_issuer_dn, not_before, not_after, artifact_digest, tbs_hash, sans, subjects, key_fps, extensions) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
         PreparedStatement t = c.prepareStatement("INSERT INTO identity_term (term, kind, event_id) VALUES (?, ?, ?)")) {
      for (IdentityEvent ev : fresh) {
        int i = 1;
        e.setLong(i++, id);
        e.setString(i++, ev.getSource().name());
        e.setString(i++, ev.getLogId());
        e.setLong(i++, ev.getLogIndex());
        e.setString(i++, signer(ev));
        e.setString(i++, clip(ev.getUuid(), MAX_INDEXED));
        e.setLong(i++, entryTime(ev));
        e.setLong(i++, ev.getObservedAtMillis());
        e.setString(i++, ev.getEntryKind());
        e.setString(i++, ev.getEntryVersion());
        e.setString(i++, clip(ev.getOidcIssuer(), MAX_INDEXED));
        e.setString(i++, clip(ev.getCertFingerprint(), MAX_INDEXED));
        e.setString(i++, ev.getCertSerial());
        e.setString(i++, ev.getCertIssuerDn());
        Rows.setLong(e, i++, ev.getNotBeforeMillis());
        Rows.setLong(e, i++, ev.getNotAfterMillis());
        e.setString(i++, clip(ev.getArtifactDigest(), MAX_INDEXED));
        e.setString(i++, ev.getTbsHash());
        e.setString(i++, Rows.sans(ev.getSans()));
        e.setString(i++, json(ev.getSubjects()));
        e.setString(i++, json(ev.getKeyFingerprints()));
        e.setString(i, json(ev.getExtensions()));
        e.addBatch();
        Set<String> seen = new HashSet<>();
        for (SubjectAltName s : ev.getSans()) term(t, seen, s.getValue(), KIND_SAN, id);
        for (String s : ev.getSubjects()) term(t, seen, s, KIND_SUBJECT, id);
        for (String k : ev.getKeyFingerprints()) term(t, seen, k, KIND_KEY, id);
        id++;
      }
      e.executeBatch();
      t.executeBatch();
    }
  }

  private static void term(PreparedStatement t, Set<String> seen, String term, int kind, long id) throws SQLException {
    if (term == null || term.isEmpty()) return;
    String v = clip(term, MAX_INDEXED);
    if (!seen.add(kind + ":" + v)) return;
    t.setString(1, v);
    t.setInt(2, kind);
    t.setLong(3, id);
    t.addBatch();
  }

  /** The entry's time in ms: integrated time or CT timestamp (seconds), else when it was observed. */
  static long entryTime(IdentityEvent e) {
    return e.getIntegratedTime() != null ? e.getIntegratedTime() * 1000 : e.getObservedAtMillis();
  }

  /** The last part of the natural key: the certificate fingerprint, else the first key fingerprint, else "". */
  static String signer(IdentityEvent e) {
    String s = e.getCertFingerprint() != null ? e.getCertFingerprint()
        : e.getKeyFingerprints().isEmpty() ? "" : e.getKeyFingerprints().get(0);
    return clip(s, MAX_INDEXED);
  }

  /** The events of {@code events} not stored yet (nor earlier in the list): one range read per log. */
  private static List<IdentityEvent> unseen(Connection c, List<IdentityEvent> events) throws SQLException {
    Map<String, long[]> ranges = new HashMap<>();
    for (IdentityEvent e : events) {
      long[] r = ranges.computeIfAbsent(e.getLogId(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      r[0] = Math.min(r[0], e.getLogIndex());
      r[1] = Math.max(r[1], e.getLogIndex());
    }
    Set<String> stored = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT log_index, signer FROM identity_event WHERE log_id = ? AND log_index BETWEEN ? AND ?")) {
      for (Map.Entry<String, long[]> r : ranges.entrySet()) {
        p.setString(1, r.getKey());
        p.setLong(2, r.getValue()[0]);
        p.setLong(3, r.getValue()[1]);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) stored.add(r.getKey() + "\n" + rs.getLong(1) + "\n" + rs.getString(2));
        }
      }
    }
    List<IdentityEvent> out = new ArrayList<>(events.size());
    for (IdentityEvent e : events) {
      if (stored.add(e.getLogId() + "\n" + e.getLogIndex() + "\n" + signer(e))) out.add(e);
    }
    return out;
  }

  /** Takes {@code n} consecutive identity event ids; the row lock holds until the transaction ends. */
  private static long allocate(Connection c, int n) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE id_counter SET next_id = next_id + ? WHERE name = 'identity_event'")) {
      p.setLong(1, n);
      if (p.executeUpdate() != 1) throw new SQLException("id_counter has no identity_event row");
    }
    try (PreparedStatement p = c.prepareStatement("SELECT next_id FROM id_counter WHERE name = 'identity_event'");
         ResultSet r = p.executeQuery()) {
      r.next();
      return r.getLong(1) - n;
    }
  }

  static void alerts(Connection c, List<Alert> alerts, long now) throws SQLException {
    if (alerts.isEmpty()) return;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO alert (alert_id, type, severity, severity_rank, state, "
        + "log_id, log_index, uuid, rule_id, identity, summary, certificate, evidence, created_at, stored_at, "
        + "updated_at, observations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
        + "ON CONFLICT (alert_id) DO NOTHING")) {
      for (Alert a : alerts) {
        int i = 1;
        p.setString(i++, a.getAlertId());
        p.setString(i++, a.getType());
        p.setString(i++, a.getSeverity().name());
        p.setInt(i++, a.getSeverity().ordinal());
        p.setString(i++, AlertState.OPEN.name());
        p.setString(i++, a.getLogId());
        Rows.setLong(p, i++, a.getLogIndex());
        p.setString(i++, a.getUuid());
        p.setString(i++, a.getRuleId());
        p.setString(i++, a.getIdentity());
        p.setString(i++, a.getSummary());
        p.setString(i++, json(a.getCertificate()));
        p.setString(i++, json(a.getEvidence()));
        p.setLong(i++, a.getCreatedAtMillis());
        p.setLong(i++, now);
        p.setLong(i, now);
        if (p.executeUpdate() == 0) continue; // stored before: an alert id is one fact
        catchUp(c, a.getAlertId());
        if (a.getLogId() != null && AlertTypes.isIncident(a.getType())) {
          status(c, a.getLogId(), a.getCreatedAtMillis());
          try (PreparedStatement s = c.prepareStatement("UPDATE log_status SET last_error = ?, last_error_at = ? "
              + "WHERE log_id = ? AND (last_error_at IS NULL OR last_error_at <= ?)")) {
            s.setString(1, a.getType() + ": " + a.getSummary());
            s.setLong(2, a.getCreatedAtMillis());
            s.setString(3, a.getLogId());
            s.setLong(4, a.getCreatedAtMillis());
            s.executeUpdate();
          }
        }
      }
    }
  }

  /** Applies history that arrived before its alert (another topic, another partition): observations, resolution. */
  private static void catchUp(Connection c, String alertId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT kind, detail, at FROM alert_history WHERE alert_id = ? "
        + "AND event_id IS NOT NULL ORDER BY id")) {
      p.setString(1, alertId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) applyToAlert(c, alertId, r.getString(1), Rows.map(r.getString(2)), r.getLong(3));
      }
    }
  }

  static void logEvents(Connection c, List<LogEvent> events) throws SQLException {
    for (LogEvent e : events) {
      String root = e.getRootHash() == null ? null : hex(e.getRootHash());
      try (PreparedStatement p = c.prepareStatement("INSERT INTO log_event (event_id, log_id, type, tree_size, "
          + "root_hex, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
        p.setString(1, e.getEventId());
        p.setString(2, e.getLogId());
        p.setString(3, e.getType());
        Rows.setLong(p, 4, e.getTreeSize());
        p.setString(5, root);
        p.setLong(6, e.getAtMillis());
        p.setString(7, json(e.getDetail()));
        if (p.executeUpdate() == 0) continue; // seen before
      }
      status(c, e.getLogId(), e.getAtMillis());
      statusFrom(c, e, root);
      String alertId = e.getDetail().get("alertId");
      if (alertId != null && ALERT_EVENTS.contains(e.getType())) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO alert_history (alert_id, event_id, at, kind, "
            + "actor, reason, detail) VALUES (?, ?, ?, ?, 'pipeline', ?, ?)")) {
          p.setString(1, alertId);
          p.setString(2, e.getEventId());
          p.setLong(3, e.getAtMillis());
          p.setString(4, e.getType());
          p.setString(5, e.getDetail().get("reason"));
          p.setString(6, json(e.getDetail()));
          p.executeUpdate();
        }
        applyToAlert(c, alertId, e.getType(), e.getDetail(), e.getAtMillis());
      }
    }
  }

  private static void applyToAlert(Connection c, String alertId, String kind, Map<String, String> detail, long at)
      throws SQLException {
    long observations = 1;
    try {
      observations = Long.parseLong(detail.getOrDefault("observations", "1"));
    } catch (NumberFormatException ignored) {
      // not a count: keep the stored one
    }
    String sql = RESOLVING.contains(kind)
        ? "UPDATE alert SET state = 'RESOLVED', observations = CASE WHEN observations < ? THEN ? ELSE observations END,"
            + " updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at END WHERE alert_id = ?"
        : "UPDATE alert SET observations = CASE WHEN observations < ? THEN ? ELSE observations END,"
            + " updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at END WHERE alert_id = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, observations);
      p.setLong(2, observations);
      p.setLong(3, at);
      p.setLong(4, at);
      p.setString(5, alertId);
      p.executeUpdate();
    }
  }

  /** Makes sure the log has a status row and moves its {@code updated_at} forward to {@code at}. */
  private static void status(Connection c, String logId, long at) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO log_status (log_id, updated_at) VALUES (?, ?) "
        + "ON CONFLICT (log_id) DO UPDATE SET updated_at = CASE WHEN log_status.updated_at < excluded.updated_at "
        + "THEN excluded.updated_at ELSE log_status.updated_at END")) {
      p.setString(1, logId);
      p.setLong(2, at);
      p.executeUpdate();
    }
  }

  private static void statusFrom(Connection c, LogEvent e, String root) throws SQLException {
    Long size = e.getTreeSize();
    if (size == null) return;
    if (SIZE_EVENTS.contains(e.getType())) {
      update(c, "UPDATE log_status SET size = ? WHERE log_id = ? AND (size IS NULL OR size < ?)", size, e.getLogId());
    }
    switch (e.getType()) {
      case "CHECKPOINT_VERIFIED" -> {
        try (PreparedStatement p = c.prepareStatement("UPDATE log_status SET verified_size = ?, verified_root = ?, "
            + "verified_at = ? WHERE log_id = ? AND (verified_size IS NULL OR verified_size <= ?)")) {
          p.setLong(1, size);
          p.setString(2, root);
          p.setLong(3, e.getAtMillis());
          p.setString(4, e.getLogId());
          p.setLong(5, size);
          p.executeUpdate();
        }
      }
      case "AUDITED" -> update(c, "UPDATE log_status SET audited_to = ? WHERE log_id = ? "
          + "AND (audited_to IS NULL OR audited_to < ?)", size, e.getLogId());
      case "CONSISTENCY_UNPROVEN" -> {
        try (PreparedStatement p = c.prepareStatement("UPDATE log_status SET last_error = ?, last_error_at = ? "
            + "WHERE log_id = ? AND (last_error_at IS NULL OR last_error_at <= ?)")) {
          p.setString(1, "CONSISTENCY_UNPROVEN at size " + size
              + (e.getDetail().containsKey("reason") ? ": " + e.getDetail().get("reason") : ""));
          p.setLong(2, e.getAtMillis());
          p.setString(3, e.getLogId());
          p.setLong(4, e.getAtMillis());
          p.executeUpdate();
        }
      }
      default -> { }
    }
  }

  private static void update(Connection c, String sql, long size, String logId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, size);
      p.setString(2, logId);
      p.setLong(3, size);
      p.executeUpdate();
    }
  }

  static void offsets(Connection c, String group, Map<TopicPartition, Long> offsets) throws SQLException {
    if (offsets.isEmpty()) return;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO consumer_offset (group_id, topic, partition_no, "
        + "next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (group_id, topic, partition_no) DO UPDATE SET "
        + "next_offset = excluded.next_offset")) {
      for (Map.Entry<TopicPartition, Long> o : new LinkedHashMap<>(offsets).entrySet()) {
        p.setString(1, group);
        p.setString(2, o.getKey().topic());
        p.setInt(3, o.getKey().partition());
        p.setLong(4, o.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  static String hex(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    return HexFormat.of().formatHex(a);
  }
}
