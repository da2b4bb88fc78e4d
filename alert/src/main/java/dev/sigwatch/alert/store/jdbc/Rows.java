package dev.sigwatch.alert.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.alert.store.StoredIdentity;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.SubjectAltName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Column encodings shared by the store's reads and writes: JSON for maps and lists (read back by {@link JsonStrings},
 * Jackson when it cannot), epoch millis for times.
 */
final class Rows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  /** Columns of {@code alert} read by {@link #alert}. */
  static final String ALERT_COLUMNS = "alert_id, type, severity, state, log_id, log_index, uuid, rule_id, identity, "
      + "summary, certificate, evidence, created_at, stored_at, updated_at, observations";
  /** Columns of {@code identity_event} read by {@link #identity}. */
  static final String IDENTITY_COLUMNS = "id, source, log_id, log_index, uuid, entry_time, observed_at, entry_kind, "
      + "entry_version, sans, oidc_issuer, extensions, subjects, cert_sha256, key_fps, cert_serial, cert_issuer_dn, "
      + "not_before, not_after, artifact_digest, tbs_hash";

  private Rows() {}

  static String json(Map<String, String> m) {
    try {
      return JSON.writeValueAsString(m == null ? Map.of() : new TreeMap<>(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serializes", e);
    }
  }

  static String json(List<String> l) {
    try {
      return JSON.writeValueAsString(l == null ? List.of() : l);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string list always serializes", e);
    }
  }

  static Map<String, String> map(String json) throws SQLException {
    if (json == null) return Map.of();
    Map<String, String> fast = JsonStrings.map(json);
    if (fast != null) return fast;
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("stored map is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  static List<String> list(String json) throws SQLException {
    if (json == null) return List.of();
    List<String> fast = JsonStrings.list(json);
    if (fast != null) return fast;
    try {
      return JSON.readValue(json, LIST);
    } catch (JsonProcessingException e) {
      throw new SQLException("stored list is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** SANs as {@code ["email:ops@acme.com", "uri:https://..."]} (the type never holds a colon). */
  static String sans(List<SubjectAltName> sans) {
    List<String> l = new ArrayList<>(sans.size());
    for (SubjectAltName s : sans) l.add(s.getType() + ":" + s.getValue());
    return json(l);
  }

  static List<SubjectAltName> sans(String json) throws SQLException {
    List<String> l = list(json);
    List<SubjectAltName> out = new ArrayList<>(l.size());
    for (String s : l) {
      int i = s.indexOf(':');
      out.add(new SubjectAltName(s.substring(0, Math.max(i, 0)), s.substring(i + 1)));
    }
    return out;
  }

  static Instant instant(ResultSet r, String column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static Long nullableLong(ResultSet r, String column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : v;
  }

  static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
    if (v == null) p.setNull(i, Types.BIGINT);
    else p.setLong(i, v);
  }

  /** At most {@code max} characters: long values are kept whole in JSON columns but indexed by a prefix. */
  static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  static StoredAlert alert(ResultSet r, AlertState state) throws SQLException {
    return new StoredAlert(r.getString("alert_id"), r.getString("type"), Severity.valueOf(r.getString("severity")),
        state, r.getString("log_id"), nullableLong(r, "log_index"), r.getString("uuid"), r.getString("rule_id"),
        r.getString("identity"), r.getString("summary"), map(r.getString("certificate")),
        map(r.getString("evidence")), instant(r, "created_at"), instant(r, "stored_at"), instant(r, "updated_at"),
        r.getLong("observations"));
  }

  static StoredAlert alert(ResultSet r) throws SQLException {
    return alert(r, AlertState.valueOf(r.getString("state")));
  }

  static StoredIdentity identity(ResultSet r) throws SQLException {
    return new StoredIdentity(r.getLong("id"), IdentitySource.valueOf(r.getString("source")), r.getString("log_id"),
        r.getLong("log_index"), r.getString("uuid"), instant(r, "entry_time"), instant(r, "observed_at"),
        r.getString("entry_kind"), r.getString("entry_version"), sans(r.getString("sans")),
        r.getString("oidc_issuer"), map(r.getString("extensions")), list(r.getString("subjects")),
        r.getString("cert_sha256"), list(r.getString("key_fps")), r.getString("cert_serial"),
        r.getString("cert_issuer_dn"), instant(r, "not_before"), instant(r, "not_after"),
        r.getString("artifact_digest"), r.getString("tbs_hash"));
  }
}
