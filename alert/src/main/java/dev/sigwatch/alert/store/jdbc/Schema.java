package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's schema as numbered migrations, applied in order and recorded in {@code schema_version}; a database
 * newer than this code (a version we do not know) is refused rather than written to. Each migration runs in one
 * transaction (both databases have transactional DDL), so a crash mid-migration leaves the previous version.
 *
 * <p>Append a migration to change the schema; never edit one that shipped.
 */
final class Schema {
  private static final Logger log = LoggerFactory.getLogger(Schema.class);

  record Migration(int version, String description, Function<Dialect, List<String>> statements) {}

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "alerts, history, log events and status, identity events, replays, consumer offsets", d -> List.of(
          """
          CREATE TABLE alert (
            alert_id VARCHAR(128) PRIMARY KEY, type VARCHAR(64) NOT NULL, severity VARCHAR(16) NOT NULL,
            severity_rank SMALLINT NOT NULL, state VARCHAR(16) NOT NULL, log_id VARCHAR(512), log_index BIGINT,
            uuid VARCHAR(256), rule_id VARCHAR(256), identity TEXT, summary TEXT NOT NULL, certificate TEXT NOT NULL,
            evidence TEXT NOT NULL, created_at BIGINT NOT NULL, stored_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            observations BIGINT NOT NULL)""",
          "CREATE INDEX alert_created ON alert(created_at, alert_id)",
          "CREATE INDEX alert_log ON alert(log_id, created_at)",
          "CREATE INDEX alert_state ON alert(state, created_at)",
          "CREATE INDEX alert_type ON alert(type, created_at)",
          "CREATE INDEX alert_updated ON alert(updated_at)",
          """
          CREATE TABLE alert_history (
            id %s, alert_id VARCHAR(128) NOT NULL, event_id VARCHAR(128) UNIQUE, at BIGINT NOT NULL,
            kind VARCHAR(32) NOT NULL, actor VARCHAR(200) NOT NULL, reason TEXT, detail TEXT NOT NULL)"""
              .formatted(d.autoId()),
          "CREATE INDEX alert_history_alert ON alert_history(alert_id, id)",
          """
          CREATE TABLE log_event (
            event_id VARCHAR(128) PRIMARY KEY, log_id VARCHAR(512) NOT NULL, type VARCHAR(64) NOT NULL,
            tree_size BIGINT, root_hex VARCHAR(128), at BIGINT NOT NULL, detail TEXT NOT NULL)""",
          "CREATE INDEX log_event_log ON log_event(log_id, at)",
          "CREATE INDEX log_event_at ON log_event(at)",
          """
          CREATE TABLE log_status (
            log_id VARCHAR(512) PRIMARY KEY, size BIGINT, verified_size BIGINT, verified_root VARCHAR(128),
            verified_at BIGINT, audited_to BIGINT, last_error TEXT, last_error_at BIGINT, updated_at BIGINT NOT NULL)""",
          """
          CREATE TABLE identity_event (
            id %s, source VARCHAR(8) NOT NULL, log_id TEXT NOT NULL, log_index BIGINT NOT NULL,
            signer TEXT NOT NULL, uuid TEXT, entry_time BIGINT NOT NULL, observed_at BIGINT NOT NULL,
            entry_kind TEXT NOT NULL, entry_version TEXT NOT NULL, oidc_issuer TEXT, cert_sha256 TEXT,
            cert_serial TEXT, cert_issuer_dn TEXT, not_before BIGINT, not_after BIGINT, artifact_digest TEXT,
            tbs_hash TEXT, sans TEXT NOT NULL, subjects TEXT NOT NULL, key_fps TEXT NOT NULL,
            extensions TEXT NOT NULL)""".formatted(d.int64Key()),
          // The natural key: one event per signer of an entry. Also serves log + index lookups.
          "CREATE UNIQUE INDEX identity_entry ON identity_event(log_id, log_index, signer)",
          "CREATE INDEX identity_issuer ON identity_event(oidc_issuer, id) WHERE oidc_issuer IS NOT NULL",
          "CREATE INDEX identity_cert ON identity_event(cert_sha256) WHERE cert_sha256 IS NOT NULL",
          "CREATE INDEX identity_artifact ON identity_event(artifact_digest) WHERE artifact_digest IS NOT NULL",
          "CREATE INDEX identity_uuid ON identity_event(uuid) WHERE uuid IS NOT NULL",
          d.timeIndex("identity_time", "identity_event", "entry_time"),
          // Every SAN (kind 1), subject (2) and key fingerprint (3) of an event, for exact / prefix / regex search.
          """
          CREATE TABLE identity_term (
            term %s NOT NULL, kind SMALLINT NOT NULL, event_id BIGINT NOT NULL,
            PRIMARY KEY (term, event_id, kind))%s""".formatted(d.bytewiseText(), d.withoutRowid()),
          "CREATE INDEX identity_term_event ON identity_term(event_id)",
          """
          CREATE TABLE replay_run (
            name VARCHAR(100) PRIMARY KEY, watchlist TEXT NOT NULL, source VARCHAR(16) NOT NULL,
            from_spec VARCHAR(200), to_spec VARCHAR(200), log_id VARCHAR(512), state VARCHAR(16) NOT NULL,
            scanned BIGINT NOT NULL, total BIGINT NOT NULL, matches BIGINT NOT NULL, started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL, finished_at BIGINT, error TEXT)""",
          """
          CREATE TABLE replay_alert (
            replay VARCHAR(100) NOT NULL, alert_id VARCHAR(128) NOT NULL, type VARCHAR(64) NOT NULL,
            severity VARCHAR(16) NOT NULL, log_id VARCHAR(512), log_index BIGINT, uuid VARCHAR(256),
            rule_id VARCHAR(256), identity TEXT, summary TEXT NOT NULL, certificate TEXT NOT NULL,
            evidence TEXT NOT NULL, created_at BIGINT NOT NULL, stored_at BIGINT NOT NULL,
            PRIMARY KEY (replay, alert_id))""",
          "CREATE INDEX replay_alert_created ON replay_alert(replay, created_at, alert_id)",
          // Identity event ids are handed out in blocks from here, in the writing transaction (one writer at a time).
          "CREATE TABLE id_counter (name VARCHAR(32) PRIMARY KEY, next_id BIGINT NOT NULL)",
          "INSERT INTO id_counter (name, next_id) VALUES ('identity_event', 1)",
          """
          CREATE TABLE consumer_offset (
            group_id VARCHAR(255) NOT NULL, topic VARCHAR(255) NOT NULL, partition_no INTEGER NOT NULL,
            next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, partition_no))""")),
      new Migration(2, "replay runs record their output and the last identity event done (resumable)", d -> List.of(
          "ALTER TABLE replay_run ADD COLUMN output VARCHAR(1100)",
          "ALTER TABLE replay_run ADD COLUMN after_id BIGINT NOT NULL DEFAULT 0")),
      // A time range is searched newest first by entry time: BRIN cannot give that order (every row of the range was
      // read and sorted: ~1 s per hour of public Rekor), a btree on (entry_time, id) reads only the page. SQLite's
      // identity_time(entry_time) already ends in the rowid, which is the id.
      new Migration(3, "identity events: a btree on (entry_time, id) replaces the BRIN time index on PostgreSQL",
          d -> d == Dialect.POSTGRES
              ? List.of("DROP INDEX identity_time", "CREATE INDEX identity_time ON identity_event(entry_time, id)")
              : List.of()));

  private Schema() {}

  /** The newest version this code knows. */
  static int latest() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
  }

  /** Brings the database to {@link #latest()}; returns the version it was at before. */
  static int migrate(Connection c, Dialect d, String where) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
          + "description VARCHAR(500) NOT NULL, applied_at BIGINT NOT NULL)");
    }
    int current = current(c);
    if (current > latest()) {
      throw new StoreException(String.format("%s: the database schema is version %d, newer than this sigwatch "
          + "knows (%d): upgrade sigwatch or point store.url at another database", where, current, latest()));
    }
    for (Migration m : MIGRATIONS) {
      if (m.version() <= current) continue;
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String sql : m.statements().apply(d)) s.execute(sql);
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
          p.setInt(1, m.version());
          p.setString(2, m.description());
          p.setLong(3, System.currentTimeMillis());
          p.executeUpdate();
        }
        c.commit();
        log.info("{}: schema migrated to version {} ({})", where, m.version(), m.description());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
    return current;
  }

  static int current(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }
}
