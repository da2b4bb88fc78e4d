package dev.sigwatch.alert.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigwatch.alert.store.jdbc.JdbcAlertStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;

/**
 * The databases the store suite runs against: a SQLite file, and PostgreSQL when {@code SIGWATCH_POSTGRES_URL} is set
 * (CI starts one with {@code .ci/start-postgres.sh}); without it the PostgreSQL cases are skipped, saying so. Each
 * store gets a database of its own: a new file, or a new schema on the server.
 */
public enum StoreBackend {
  SQLITE, POSTGRES;

  public static final String POSTGRES_ENV = "SIGWATCH_POSTGRES_URL";

  /** The JDBC URL of a new, empty database for one test. */
  public String freshUrl(Path tmp) {
    if (this == SQLITE) return AlertStores.sqliteUrl(tmp.resolve("store-" + UUID.randomUUID() + ".db"));
    String base = System.getenv(POSTGRES_ENV);
    assumeTrue(base != null && !base.isBlank(), "PostgreSQL store tests skipped: " + POSTGRES_ENV
        + " is not set (start a server with .ci/start-postgres.sh, as .ci/run does)");
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("creating schema on " + JdbcAlertStore.redact(base) + ": " + e.getMessage(), e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public AlertStore open(Path tmp, Clock clock) {
    return JdbcAlertStore.open(freshUrl(tmp), null, null, 4, clock);
  }
}
