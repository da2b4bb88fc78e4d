package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityFacts;
import dev.sigwatch.alert.store.IdentityQuery;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.StoredIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Forensic search over identity events. Identity and key filters go through {@code identity_term} (one row per SAN,
 * subject and key fingerprint, indexed by term); the others through indexes on {@code identity_event}. Newest first:
 * by entry time (then id) when the query has a time bound, served by the {@code (entry_time, id)} index; else by id
 * (arrival). Paged by the same key. Stateless.
 */
final class IdentitySearch {
  private IdentitySearch() {}

  static Page<StoredIdentity> search(Connection c, Dialect d, IdentityQuery q) throws SQLException {
    boolean byTime = q.from() != null || q.to() != null;
    boolean selective = q.identity() != null || q.keySha256() != null || q.certSha256() != null
        || q.artifactDigest() != null || q.uuid() != null || q.logIndex() != null;
    // A time range with no selective filter walks the time index from its newest end: the page costs its own rows.
    // With a selective filter, its index finds the few events and they are sorted by time; on SQLite, whose planner
    // has no statistics, the time terms are then written +entry_time so it never prefers the time index.
    String table = byTime && !selective && d == Dialect.SQLITE ? "identity_event INDEXED BY identity_time"
        : "identity_event";
    String time = byTime && selective && d == Dialect.SQLITE ? "+entry_time" : "entry_time";
    Sql s = new Sql("SELECT " + Rows.IDENTITY_COLUMNS + " FROM " + table + " WHERE 1 = 1");
    if (q.identity() != null) {
      String term = Rows.clip(q.identity(), BatchWriter.MAX_INDEXED);
      String kinds = " AND kind IN (" + BatchWriter.KIND_SAN + ", " + BatchWriter.KIND_SUBJECT + "))";
      switch (q.match()) {
        case EXACT -> s.and("id IN (SELECT event_id FROM identity_term WHERE term = ?" + kinds, term);
        case PREFIX -> s.and("id IN (SELECT event_id FROM identity_term WHERE term >= ? AND term < ?" + kinds,
            term, upperBound(term));
        case REGEX -> {
          // The regex runs once per distinct term (HAVING after GROUP BY term, in the key's order), not once per
          // event: on SQLite each test is a call into Java. A literal start (^github\.com/acme/) also bounds the
          // terms read to that prefix's range of the key.
          String prefix = literalPrefix(q.identity());
          Sql terms = new Sql("SELECT term FROM identity_term WHERE kind IN (" + BatchWriter.KIND_SAN + ", "
              + BatchWriter.KIND_SUBJECT + ")");
          if (!prefix.isEmpty()) terms.and("term >= ? AND term < ?", prefix, upperBound(prefix));
          terms.append(" GROUP BY term HAVING term " + d.regexOperator() + " ?", q.identity());
          s.andSubquery("id IN (SELECT event_id FROM identity_term WHERE term IN (", terms,
              ")" + kinds);
        }
        default -> throw new IllegalArgumentException("unknown match " + q.match());
      }
    }
    if (q.keySha256() != null) {
      s.and("id IN (SELECT event_id FROM identity_term WHERE term = ? AND kind = " + BatchWriter.KIND_KEY + ")",
          Rows.clip(q.keySha256(), BatchWriter.MAX_INDEXED));
    }
    if (q.oidcIssuer() != null) s.and("oidc_issuer = ?", Rows.clip(q.oidcIssuer(), BatchWriter.MAX_INDEXED));
    if (q.certSha256() != null) s.and("cert_sha256 = ?", q.certSha256().toLowerCase(java.util.Locale.ROOT));
    if (q.artifactDigest() != null) s.and("artifact_digest = ?", q.artifactDigest());
    if (q.uuid() != null) s.and("uuid = ?", q.uuid());
    if (q.logId() != null) s.and("log_id = ?", q.logId());
    if (q.logIndex() != null) s.and("log_index = ?", q.logIndex());
    if (q.from() != null) s.and(time + " >= ?", q.from().toEpochMilli());
    if (q.to() != null) s.and(time + " < ?", q.to().toEpochMilli());
    if (byTime) {
      if (q.cursor() != null) {
        Cursors.TimeKey k = Cursors.time(q.cursor());
        // The first term bounds the index range (SQLite does not range on a row value), the second is exact.
        s.and(time + " <= ?", k.entryTime()).and("(" + time + ", id) < (?, ?)", k.entryTime(), k.id());
      }
      s.append(" ORDER BY entry_time DESC, id DESC LIMIT ?", q.limit() + 1);
    } else {
      if (q.cursor() != null) s.and("id < ?", Cursors.id(q.cursor()));
      s.append(" ORDER BY id DESC LIMIT ?", q.limit() + 1);
    }
    List<StoredIdentity> out = new ArrayList<>();
    try (PreparedStatement p = s.prepare(c); ResultSet r = p.executeQuery()) {
      while (r.next()) out.add(Rows.identity(r));
    }
    if (out.size() <= q.limit()) return new Page<>(out, null);
    List<StoredIdentity> items = out.subList(0, q.limit());
    StoredIdentity last = items.get(q.limit() - 1);
    return new Page<>(items, byTime ? Cursors.time(last.entryTime().toEpochMilli(), last.id()) : Cursors.id(last.id()));
  }

  /**
   * The literal text every match of {@code regex} starts with, when it is anchored ({@code ^}) and has no
   * alternation; "" when there is none. Escaped punctuation ({@code \.}) is literal; a literal followed by a
   * quantifier that may drop it ({@code ? * {}) is not part of the prefix. Conservative: any doubt gives "".
   */
  static String literalPrefix(String regex) {
    if (!regex.startsWith("^") || regex.indexOf('|') >= 0) return "";
    StringBuilder out = new StringBuilder();
    int i = 1;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      int width;
      char literal;
      if (c == '\\' && i + 1 < regex.length() && isEscapedPunctuation(regex.charAt(i + 1))) {
        literal = regex.charAt(i + 1);
        width = 2;
      } else if (Character.isLetterOrDigit(c) || "@/:-_~%=,;'\"<>!#&`".indexOf(c) >= 0) {
        literal = c;
        width = 1;
      } else {
        break;
      }
      if (Character.isHighSurrogate(c) || Character.isLowSurrogate(c)) break;
      char next = i + width < regex.length() ? regex.charAt(i + width) : 0;
      if (next == '?' || next == '*' || next == '{') break;
      out.append(literal);
      i += width;
    }
    return out.toString();
  }

  private static boolean isEscapedPunctuation(char c) {
    return ".[](){}*+?^$|\\/-".indexOf(c) >= 0;
  }

  /** The smallest string greater than every string starting with {@code prefix} (bytewise order). */
  static String upperBound(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    int cut = prefix.length() - Character.charCount(last);
    return prefix.substring(0, cut) + new String(Character.toChars(last + 1));
  }

  static Sql scanWhere(String select, String table, IdentityScan scan) {
    Sql s = new Sql(select + " FROM " + table + " WHERE 1 = 1");
    if (scan.logId() != null) s.and("log_id = ?", scan.logId());
    if (scan.from() != null) s.and("entry_time >= ?", scan.from().toEpochMilli());
    if (scan.to() != null) s.and("entry_time < ?", scan.to().toEpochMilli());
    if (scan.fromIndex() != null) s.and("log_index >= ?", scan.fromIndex());
    if (scan.toIndex() != null) s.and("log_index < ?", scan.toIndex());
    return s;
  }

  static long count(Connection c, IdentityScan scan) throws SQLException {
    try (PreparedStatement p = scanWhere("SELECT COUNT(*)", "identity_event", scan).prepare(c);
        ResultSet r = p.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /**
   * The first and last id and the count of what {@code scan} selects, in one pass over the narrowest index the
   * bounds allow (every index holds the row's id, so the time and log + index bounds are answered from the index).
   */
  static AlertStore.IdSpan span(Connection c, IdentityScan scan) throws SQLException {
    try (PreparedStatement p = scanWhere("SELECT MIN(id), MAX(id), COUNT(*)", "identity_event", scan).prepare(c);
        ResultSet r = p.executeQuery()) {
      if (!r.next()) return new AlertStore.IdSpan(0, 0, 0);
      long count = r.getLong(3);
      return count == 0 ? new AlertStore.IdSpan(0, 0, 0) : new AlertStore.IdSpan(r.getLong(1), r.getLong(2), count);
    }
  }

  /**
   * One chunk of a scan: events with id in {@code (afterId, lastId]}, oldest first, at most {@code limit}. Walks the
   * primary key and filters: a chunk costs its own rows, never a sort of the whole range (SQLite: NOT INDEXED keeps
   * the planner off the time and log indexes, which would sort every row of the range for each chunk).
   */
  static List<StoredIdentity> chunk(Connection c, Dialect d, IdentityScan scan, long afterId, long lastId, int limit)
      throws SQLException {
    String table = d == Dialect.SQLITE ? "identity_event NOT INDEXED" : "identity_event";
    Sql s = scanWhere("SELECT " + Rows.IDENTITY_COLUMNS, table, scan).and("id > ?", afterId).and("id <= ?", lastId)
        .append(" ORDER BY id LIMIT ?", limit);
    List<StoredIdentity> out = new ArrayList<>(limit);
    try (PreparedStatement p = s.prepare(c)) {
      p.setFetchSize(Math.min(limit, 1000));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) out.add(Rows.identity(r));
      }
    }
    return out;
  }

  /**
   * Like {@link #chunk}, reading only the columns a watchlist looks at, and of those only {@code want} (the others
   * are selected as NULL: the same positions, nothing read or decoded).
   */
  static List<IdentityFacts> facts(Connection c, Dialect d, IdentityScan scan, long afterId, long lastId, int limit,
      IdentityFacts.Columns want) throws SQLException {
    String table = d == Dialect.SQLITE ? "identity_event NOT INDEXED" : "identity_event";
    String columns = "id, " + (want.sans() ? "sans" : "NULL") + ", "
        + (want.sans() || want.extensions() ? "oidc_issuer" : "NULL") + ", "
        + (want.extensions() ? "extensions" : "NULL") + ", " + (want.subjects() ? "subjects" : "NULL") + ", "
        + (want.fingerprints() ? "cert_sha256, key_fps" : "NULL, NULL");
    Sql s = scanWhere("SELECT " + columns, table, scan)
        .and("id > ?", afterId).and("id <= ?", lastId).append(" ORDER BY id LIMIT ?", limit);
    List<IdentityFacts> out = new ArrayList<>(Math.min(limit, 10_000));
    try (PreparedStatement p = s.prepare(c)) {
      p.setFetchSize(Math.min(limit, 1000));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          // By position: the column list is right above.
          String sans = r.getString(2);
          out.add(new IdentityFacts(r.getLong(1), sans == null ? List.of() : Rows.sans(sans), r.getString(3),
              Rows.map(r.getString(4)), Rows.list(r.getString(5)), r.getString(6), Rows.list(r.getString(7))));
        }
      }
    }
    return out;
  }

  static List<StoredIdentity> byId(Connection c, List<Long> ids) throws SQLException {
    Sql s = new Sql("SELECT " + Rows.IDENTITY_COLUMNS + " FROM identity_event WHERE 1 = 1").in("id", ids)
        .append(" ORDER BY id");
    List<StoredIdentity> out = new ArrayList<>(ids.size());
    try (PreparedStatement p = s.prepare(c); ResultSet r = p.executeQuery()) {
      while (r.next()) out.add(Rows.identity(r));
    }
    return out;
  }
}
