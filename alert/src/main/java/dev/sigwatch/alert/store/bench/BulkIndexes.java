package dev.sigwatch.alert.store.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * For a benchmark's big fill only: drops the identity tables' secondary indexes (keeping the natural key the writer
 * de-duplicates on) and, on SQLite, turns {@code identity_term} into a plain append table; {@link #rebuild} puts back
 * exactly what was there, from the definitions the database itself reported (no second copy of the schema here).
 * Never used on a store that is being written to by anything else.
 */
final class BulkIndexes {
  private final String url;
  private final List<String> indexes;
  private final String termTable;

  private BulkIndexes(String url, List<String> indexes, String termTable) {
    this.url = url;
    this.indexes = indexes;
    this.termTable = termTable;
  }

  static BulkIndexes drop(String url) throws SQLException {
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    List<String> names = new ArrayList<>();
    List<String> ddl = new ArrayList<>();
    String termTable = null;
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      String q = sqlite
          ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
              + "AND tbl_name IN ('identity_event', 'identity_term') AND name <> 'identity_entry'"
          : "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
              + "AND tablename IN ('identity_event', 'identity_term') AND indexname NOT LIKE '%_pkey' "
              + "AND indexname <> 'identity_entry'";
      try (ResultSet r = st.executeQuery(q)) {
        while (r.next()) {
          names.add(r.getString(1));
          ddl.add(r.getString(2));
        }
      }
      for (String n : names) st.execute("DROP INDEX " + n);
      if (sqlite) {
        try (ResultSet r = st.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'identity_term'")) {
          termTable = r.next() ? r.getString(1) : null;
        }
        st.execute("ALTER TABLE identity_term RENAME TO identity_term_keyed");
        st.execute("CREATE TABLE identity_term (term TEXT NOT NULL, kind SMALLINT NOT NULL, event_id BIGINT NOT NULL)");
        st.execute("INSERT INTO identity_term SELECT term, kind, event_id FROM identity_term_keyed");
        st.execute("DROP TABLE identity_term_keyed");
      }
    }
    System.out.printf(Locale.ROOT, "bulk fill: dropped %s%n", names);
    return new BulkIndexes(url, ddl, termTable);
  }

  /**
   * Grows a store of {@code base} generated events (ids 1..base) to {@code n} by copies inside the database, each
   * shifted by a multiple of {@code base} in id and log index and of {@code base / 230} seconds in time (public
   * Rekor's rate), so the natural key stays unique and time keeps growing with the index. The copies repeat the
   * base's fingerprints and identities: fine for timing a replay, whose cost per event does not depend on the
   * values; searches are timed on the base alone.
   */
  static void copies(String url, long base, long n) throws SQLException {
    String cols = "source, log_id, log_index, signer, uuid, entry_time, observed_at, entry_kind, entry_version, "
        + "oidc_issuer, cert_sha256, cert_serial, cert_issuer_dn, not_before, not_after, artifact_digest, tbs_hash, "
        + "sans, subjects, key_fps, extensions";
    long shiftMs = base * 1000 / 230;
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (long k = 1; base * k < n; k++) {
        long count = Math.min(base, n - base * k);
        long dId = base * k;
        long dT = shiftMs * k;
        st.executeUpdate(String.format(Locale.ROOT, "INSERT INTO identity_event (id, %s) SELECT id + %d, source, log_id, "
            + "log_index + %d, signer, uuid, entry_time + %d, observed_at + %d, entry_kind, entry_version, oidc_issuer, "
            + "cert_sha256, cert_serial, cert_issuer_dn, not_before + %d, not_after + %d, artifact_digest, tbs_hash, "
            + "sans, subjects, key_fps, extensions FROM identity_event WHERE id <= %d", cols, dId, dId, dT, dT, dT, dT,
            count));
        st.executeUpdate(String.format(Locale.ROOT, "INSERT INTO identity_term (term, kind, event_id) "
            + "SELECT term, kind, event_id + %d FROM identity_term WHERE event_id <= %d", dId, count));
        c.commit();
        System.out.printf(Locale.ROOT, "copied to %,d events (%.0f/s)%n", dId + count,
            (dId + count - base) / ((System.nanoTime() - t0) / 1e9));
      }
      st.executeUpdate("UPDATE id_counter SET next_id = (SELECT MAX(id) + 1 FROM identity_event) "
          + "WHERE name = 'identity_event'");
      c.commit();
    }
  }

  void rebuild() throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      if (termTable != null) {
        st.execute("ALTER TABLE identity_term RENAME TO identity_term_load");
        st.execute(termTable);
        st.execute("INSERT INTO identity_term SELECT term, kind, event_id FROM identity_term_load "
            + "ORDER BY term, event_id, kind");
        st.execute("DROP TABLE identity_term_load");
      }
      for (String d : indexes) st.execute(d);
      // No ANALYZE on SQLite: a live store never runs it, so its planner works without statistics; so does ours.
    }
    System.out.printf(Locale.ROOT, "bulk fill: indexes rebuilt in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
