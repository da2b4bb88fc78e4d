package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The alert store: alerts with their state and history, every identity event for forensic search, each log's
 * health, and forensic replays with their results. One relational schema over SQLite (the default, a file) or
 * PostgreSQL (production), opened with {@link AlertStores#open}.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread concurrently (the HTTP API reads while the
 * consumer writes). <b>Errors:</b> a database failure throws {@link StoreException} and changes nothing; bad
 * arguments throw {@link IllegalArgumentException} naming the parameter.
 *
 * <p><b>Exactly-once:</b> {@link #write} stores a consumer poll's records and that poll's offsets in one transaction;
 * a consumer seeks to {@link #offsets} on assignment. A crash before the commit loses nothing (the records are read
 * again), a crash after it duplicates nothing (the offsets moved with the rows).
 */
public interface AlertStore extends AutoCloseable {

  // ---- the consumer's side -----------------------------------------------------------------------------------

  /**
   * Stores a poll's alerts, log events and identity events and its offsets, all or nothing. Alerts are keyed by
   * their deterministic id: a repeat of a stored id changes nothing. INCIDENT_CONTINUES, INCIDENT_RESOLVED and
   * RECOVERED log events carrying an {@code alertId} detail update that alert (observations, state RESOLVED) and
   * join its history; one that arrives before its alert is kept and applied when the alert arrives.
   */
  void write(StoreBatch batch);

  /** The next offsets to consume for {@code group}, as committed by {@link #write}; empty for a new group. */
  Map<TopicPartition, Long> offsets(String group);

  /** Deletes rows older than {@code retention} allows at {@code now}; returns how many rows went. Idempotent. */
  long purge(Retention retention, Instant now);

  // ---- alerts ------------------------------------------------------------------------------------------------

  /** Alerts matching {@code query}, newest first; an empty page when none match. */
  Page<StoredAlert> alerts(AlertQuery query);

  /** The alert with its evidence and history, or empty when no alert has that id. */
  Optional<AlertDetail> alert(String alertId);

  /**
   * A person took the alert: state ACKNOWLEDGED (unless already RESOLVED, which stays), with {@code who} and
   * {@code why} in its history. Empty when no alert has that id.
   *
   * @param who non-empty, at most 200 characters
   * @param why may be empty, at most 2000 characters
   */
  Optional<StoredAlert> acknowledge(String alertId, String who, String why);

  /** A person closed the alert: state RESOLVED with {@code who} and {@code why}. Empty when no alert has that id. */
  Optional<StoredAlert> resolve(String alertId, String who, String why);

  // ---- search ------------------------------------------------------------------------------------------------

  /** Identity events matching {@code query}, newest first; an empty page when none match. */
  Page<StoredIdentity> identities(IdentityQuery query);

  // ---- logs --------------------------------------------------------------------------------------------------

  /** Every log the store has heard of, by log id. */
  List<LogStatus> logs();

  /** One log's status, or empty when the store has heard nothing of it. */
  Optional<LogStatus> log(String logId);

  /** A log's events (verified checkpoints, audits, incidents), newest first, at most {@code limit} (1..1000). */
  List<LogEventRow> logEvents(String logId, Instant since, int limit);

  // ---- replays -----------------------------------------------------------------------------------------------

  /** Registers a new replay run. @throws IllegalArgumentException if one of that name exists */
  void createReplay(ReplayRun run);

  /** Records a running replay's progress (scanned, total, matches). No-op for an unknown name. */
  void replayProgress(String name, long scanned, long total, long matches);

  /**
   * Records a chunk done: progress as {@link #replayProgress} and the id of its last identity event, after which a
   * resumed replay continues ({@link ReplayRun#afterId}). No-op for an unknown name.
   */
  void replayChunkDone(String name, long afterId, long scanned, long total, long matches);

  /** A stopped replay (FAILED or CANCELLED) runs again from its {@link ReplayRun#afterId}: state RUNNING. */
  void resumeReplay(String name);

  /** Ends a replay: DONE, FAILED (with {@code error}) or CANCELLED. */
  void finishReplay(String name, ReplayRun.State state, String error);

  /** Stores alerts a replay raised under its name (never among live alerts). Idempotent by alert id. */
  void addReplayResults(String name, List<Alert> results);

  Optional<ReplayRun> replay(String name);

  /** Every replay, newest first. */
  List<ReplayRun> replays();

  /** A replay's alerts, newest first; limit 1..1000. An empty page for an unknown replay. */
  Page<StoredAlert> replayResults(String name, String cursor, int limit);

  /** Deletes a replay and its results; false if there was none. */
  boolean deleteReplay(String name);

  /** How many stored identity events {@code scan} selects. */
  long countIdentities(IdentityScan scan);

  /**
   * Feeds every stored identity event {@code scan} selects to {@code each}, oldest first, reading in short chunks
   * (the consumer keeps writing meanwhile; events stored after the scan started may or may not be seen).
   */
  void scanIdentities(IdentityScan scan, Consumer<StoredIdentity> each);

  /**
   * One chunk of a scan: the events {@code scan} selects whose id is above {@code afterId} and at most
   * {@code lastId}, oldest first, at most {@code limit}; fewer than {@code limit} means the scan is done. A replay
   * pages with the last id of each chunk (ids are the store's insertion order).
   */
  List<StoredIdentity> identityChunk(IdentityScan scan, long afterId, long lastId, int limit);

  /**
   * {@link #identityChunk} reading only what a watchlist looks at ({@link IdentityFacts}), and of that only
   * {@code columns}: a replay's scan.
   */
  List<IdentityFacts> identityFacts(IdentityScan scan, long afterId, long lastId, int limit,
      IdentityFacts.Columns columns);

  /** The stored identity events with these ids, in id order; ids that do not exist are left out. At most 1000. */
  List<StoredIdentity> identitiesById(List<Long> ids);

  /** The range of ids and the count of the events {@code scan} selects, in one query: what a replay will read. */
  IdSpan identitySpan(IdentityScan scan);

  /**
   * @param firstId the smallest id selected (0 when none)
   * @param lastId the largest id selected (0 when none)
   * @param count how many are selected
   */
  record IdSpan(long firstId, long lastId, long count) {}

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  /** A short description for logs, e.g. {@code sqlite:/home/x/.sigwatch/store.db} (no password). */
  String describe();

  @Override
  void close();
}
