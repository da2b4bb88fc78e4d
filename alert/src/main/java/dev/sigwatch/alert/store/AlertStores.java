package dev.sigwatch.alert.store;

import dev.sigwatch.alert.store.jdbc.JdbcAlertStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Opens an {@link AlertStore}. */
public final class AlertStores {
  /** The SQLite file under the data directory when no {@code store.url} is configured. */
  public static final String DEFAULT_FILE = "store.db";
  /** Connections per store: one for the consumer's writes, the rest for the HTTP API and replays. */
  public static final int DEFAULT_POOL = 6;

  private AlertStores() {}

  /**
   * Opens (creating and migrating if needed) the store at {@code jdbcUrl}.
   *
   * @param jdbcUrl {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST[:PORT]/DB}
   * @param user PostgreSQL user, or null (SQLite, or in the URL)
   * @param password PostgreSQL password, or null
   */
  public static AlertStore open(String jdbcUrl, String user, String password) {
    return JdbcAlertStore.open(jdbcUrl, user, password, DEFAULT_POOL, Clock.systemUTC());
  }

  /** Opens the default SQLite store {@code dataDir/store.db}, creating the directory if needed. */
  public static AlertStore sqlite(Path dataDir) {
    return open(sqliteUrl(dataDir.resolve(DEFAULT_FILE)), null, null);
  }

  /** The JDBC URL of a SQLite file, creating its directory. */
  public static String sqliteUrl(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
    } catch (IOException e) {
      throw new UncheckedIOException("creating the directory of " + file, e);
    }
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }
}
