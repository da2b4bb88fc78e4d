package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/**
 * A small fixed pool of JDBC connections to one database, with the store's per-connection setup (SQLite: WAL,
 * busy timeout, immediate transactions, the REGEXP function). Thread-safe: a connection is used by one thread at a
 * time. No pool library: the store needs a handful of connections and no more.
 */
final class Db implements AutoCloseable {

  /** A unit of work on one connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final String url;
  private final Properties props;
  private final Dialect dialect;
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();
  private final int size;
  private volatile boolean closed;

  Db(String url, String user, String password, int size) {
    this.url = url;
    this.dialect = Dialect.of(url);
    this.size = size;
    this.idle = new ArrayBlockingQueue<>(size);
    if (dialect == Dialect.SQLITE) {
      SQLiteConfig cfg = new SQLiteConfig();
      // WAL: readers (the HTTP API) never block the writer (the consumer) and vice versa.
      cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // NORMAL in WAL mode survives a killed process (the OS has the pages); a power cut may lose the last
      // transactions, but offsets are in the same transactions, so the consumer re-reads exactly those.
      cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      cfg.setBusyTimeout(30_000);
      // A write transaction takes the write lock at BEGIN, so two writers queue instead of deadlocking.
      cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      cfg.setCacheSize(-65_536); // 64 MiB page cache per connection
      cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
      this.props = cfg.toProperties();
    } else {
      this.props = new Properties();
      if (user != null) props.setProperty("user", user);
      if (password != null) props.setProperty("password", password);
      props.setProperty("reWriteBatchedInserts", "true");
      props.setProperty("ApplicationName", "sigwatch-alert-store");
    }
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} with auto-commit on (each statement its own transaction): reads and single writes. */
  <T> T read(Work<T> work) {
    return autoCommit(work, "reading the alert store");
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T transaction(Work<T> work) {
    Connection c = borrow();
    boolean ok = false;
    try {
      c.setAutoCommit(false);
      try {
        T t = work.run(c);
        c.commit();
        ok = true;
        return t;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        if (ok) c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("writing to the alert store: " + e.getMessage(), e);
    } finally {
      release(c, ok);
    }
  }

  /** Runs {@code work} on a connection whose transactions it manages itself (migrations). */
  <T> T transactionless(Work<T> work) {
    return autoCommit(work, "migrating the alert store schema");
  }

  private <T> T autoCommit(Work<T> work, String what) {
    Connection c = borrow();
    boolean ok = false;
    try {
      T t = work.run(c);
      ok = true;
      return t;
    } catch (SQLException e) {
      throw new StoreException(what + ": " + e.getMessage(), e);
    } finally {
      release(c, ok);
    }
  }

  private Connection borrow() {
    if (closed) throw new StoreException("the alert store is closed");
    Connection c = idle.poll();
    if (c != null) return c;
    synchronized (all) {
      if (all.size() < size) {
        c = open();
        all.add(c);
        return c;
      }
    }
    try {
      c = idle.poll(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for a database connection");
    }
    if (c == null) throw new StoreException("no database connection free after 60 s (pool of " + size + ")");
    return c;
  }

  /** Returns a connection; one that failed is replaced, since its state (open transaction, broken socket) is unknown. */
  private void release(Connection c, boolean ok) {
    if (!ok) {
      synchronized (all) {
        all.remove(c);
      }
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
      return;
    }
    if (closed) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
      return;
    }
    idle.offer(c);
  }

  Connection open() {
    try {
      Connection c = DriverManager.getConnection(url, props);
      if (dialect == Dialect.SQLITE) {
        Function.create(c, "REGEXP", new Regexp());
      }
      return c;
    } catch (SQLException e) {
      throw new StoreException("connecting to " + JdbcAlertStore.redact(url) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (all) {
      for (Connection c : all) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
      all.clear();
    }
    idle.clear();
  }

  /** SQLite's {@code X REGEXP Y} calls {@code regexp(Y, X)}: Java regex, unanchored (find), compiled once per query. */
  private static final class Regexp extends Function {
    private String last;
    private Pattern pattern;

    @Override
    protected void xFunc() throws SQLException {
      String p = value_text(0);
      String v = value_text(1);
      if (p == null || v == null) {
        result(0);
        return;
      }
      if (!p.equals(last)) {
        pattern = Pattern.compile(p);
        last = p;
      }
      result(pattern.matcher(v).find() ? 1 : 0);
    }
  }
}
