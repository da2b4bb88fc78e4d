package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.alert.store.AlertDetail;
import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityFacts;
import dev.sigwatch.alert.store.IdentityQuery;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.LogEventRow;
import dev.sigwatch.alert.store.LogStatus;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.Retention;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.alert.store.StoredIdentity;
import dev.sigwatch.schemas.Alert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link AlertStore} over JDBC: SQLite or PostgreSQL, one schema ({@link Schema}), migrated when opened.
 * Thread-safe: each call borrows a pooled connection.
 */
public final class JdbcAlertStore implements AlertStore {
  /** Rows per chunk of a replay scan: big enough to amortise the query, small enough to keep reads short. */
  static final int SCAN_CHUNK = 5_000;

  private final Db db;
  private final Clock clock;
  private final String description;

  private JdbcAlertStore(Db db, Clock clock, String description) {
    this.db = db;
    this.clock = clock;
    this.description = description;
  }

  /**
   * Opens the database at {@code url} and migrates its schema to the newest version.
   *
   * @param url {@code jdbc:sqlite:/path/store.db} or {@code jdbc:postgresql://host/db}
   * @param user null for SQLite or when the URL carries it
   * @param poolSize connections kept (the consumer writes on one, readers share the rest)
   */
  public static JdbcAlertStore open(String url, String user, String password, int poolSize, Clock clock) {
    Db db = new Db(url, user, password, poolSize);
    try {
      String where = redact(url);
      db.transactionless(c -> Schema.migrate(c, db.dialect(), where));
      return new JdbcAlertStore(db, clock, where);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** {@code url} without a password parameter. */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public void write(StoreBatch b) {
    long now = clock.millis();
    db.transaction(c -> {
      BatchWriter.identities(c, b.identities());
      BatchWriter.alerts(c, b.alerts(), now);
      BatchWriter.logEvents(c, b.logEvents());
      BatchWriter.offsets(c, b.group(), b.nextOffsets());
      return null;
    });
  }

  @Override
  public Map<TopicPartition, Long> offsets(String group) {
    return db.read(c -> {
      Map<TopicPartition, Long> out = new HashMap<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT topic, partition_no, next_offset FROM consumer_offset WHERE group_id = ?")) {
        p.setString(1, group);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) out.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
        }
      }
      return out;
    });
  }

  @Override
  public long purge(Retention retention, Instant now) {
    return db.transaction(c -> Purge.purge(c, retention, now));
  }

  @Override
  public Page<StoredAlert> alerts(AlertQuery query) {
    return db.read(c -> AlertReads.alerts(c, query));
  }

  @Override
  public Optional<AlertDetail> alert(String alertId) {
    return db.read(c -> AlertReads.detail(c, alertId));
  }

  @Override
  public Optional<StoredAlert> acknowledge(String alertId, String who, String why) {
    return db.transaction(c -> AlertReads.act(c, alertId, AlertState.ACKNOWLEDGED, who, why, clock.millis()));
  }

  @Override
  public Optional<StoredAlert> resolve(String alertId, String who, String why) {
    return db.transaction(c -> AlertReads.act(c, alertId, AlertState.RESOLVED, who, why, clock.millis()));
  }

  @Override
  public Page<StoredIdentity> identities(IdentityQuery query) {
    return db.read(c -> IdentitySearch.search(c, db.dialect(), query));
  }

  @Override
  public List<LogStatus> logs() {
    return db.read(c -> LogReads.logs(c, null));
  }

  @Override
  public Optional<LogStatus> log(String logId) {
    return db.read(c -> LogReads.logs(c, logId).stream().findFirst());
  }

  @Override
  public List<LogEventRow> logEvents(String logId, Instant since, int limit) {
    return db.read(c -> LogReads.events(c, logId, since, limit));
  }

  @Override
  public void createReplay(ReplayRun run) {
    db.transaction(c -> {
      Replays.create(c, run);
      return null;
    });
  }

  @Override
  public void replayProgress(String name, long scanned, long total, long matches) {
    db.transaction(c -> {
      Replays.progress(c, name, scanned, total, matches, clock.millis());
      return null;
    });
  }

  @Override
  public void replayChunkDone(String name, long afterId, long scanned, long total, long matches) {
    db.transaction(c -> {
      Replays.chunkDone(c, name, afterId, scanned, total, matches, clock.millis());
      return null;
    });
  }

  @Override
  public void resumeReplay(String name) {
    db.transaction(c -> {
      Replays.resume(c, name, clock.millis());
      return null;
    });
  }

  @Override
  public void finishReplay(String name, ReplayRun.State state, String error) {
    db.transaction(c -> {
      Replays.finish(c, name, state, error, clock.millis());
      return null;
    });
  }

  @Override
  public void addReplayResults(String name, List<Alert> results) {
    db.transaction(c -> {
      Replays.results(c, name, results, clock.millis());
      return null;
    });
  }

  @Override
  public Optional<ReplayRun> replay(String name) {
    return db.read(c -> Replays.one(c, name));
  }

  @Override
  public List<ReplayRun> replays() {
    return db.read(c -> Replays.list(c, null));
  }

  @Override
  public Page<StoredAlert> replayResults(String name, String cursor, int limit) {
    return db.read(c -> Replays.alerts(c, name, cursor, limit));
  }

  @Override
  public boolean deleteReplay(String name) {
    return db.transaction(c -> Replays.delete(c, name));
  }

  @Override
  public long countIdentities(IdentityScan scan) {
    return db.read(c -> IdentitySearch.count(c, scan));
  }

  @Override
  public void scanIdentities(IdentityScan scan, Consumer<StoredIdentity> each) {
    IdSpan span = identitySpan(scan);
    long after = span.firstId() - 1;
    while (true) {
      List<StoredIdentity> chunk = identityChunk(scan, after, span.lastId(), SCAN_CHUNK);
      for (StoredIdentity i : chunk) each.accept(i);
      if (chunk.size() < SCAN_CHUNK) return;
      after = chunk.get(chunk.size() - 1).id();
    }
  }

  @Override
  public List<StoredIdentity> identityChunk(IdentityScan scan, long afterId, long lastId, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    return db.read(c -> IdentitySearch.chunk(c, db.dialect(), scan, afterId, lastId, limit));
  }

  @Override
  public List<IdentityFacts> identityFacts(IdentityScan scan, long afterId, long lastId, int limit,
      IdentityFacts.Columns columns) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    return db.read(c -> IdentitySearch.facts(c, db.dialect(), scan, afterId, lastId, limit, columns));
  }

  @Override
  public List<StoredIdentity> identitiesById(List<Long> ids) {
    if (ids.size() > 1000) throw new IllegalArgumentException("at most 1000 ids at once, were " + ids.size());
    if (ids.isEmpty()) return List.of();
    return db.read(c -> IdentitySearch.byId(c, ids));
  }

  @Override
  public IdSpan identitySpan(IdentityScan scan) {
    return db.read(c -> IdentitySearch.span(c, scan));
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    db.close();
  }
}
