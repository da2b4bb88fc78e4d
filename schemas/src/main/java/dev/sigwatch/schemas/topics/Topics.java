package dev.sigwatch.schemas.topics;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.AvroSerdes;
import dev.sigwatch.schemas.serde.SerdeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one catalogue of sigwatch's topics; no topic name is spelled anywhere else. Built from a {@link SerdeConfig}
 * because the value serdes depend on it: {@code Topics topics = Topics.create(config); topics.checkpoints()}.
 *
 * <p><b>Keys are plain UTF-8 strings</b> ({@link Serdes#String()}), never Avro: the partition of a record is a hash
 * of its key bytes and compaction keeps the latest record per key bytes. An Avro-encoded key would embed a
 * fingerprint or a registry schema id, so switching a registry on (or re-registering a schema) would change every
 * key's bytes: records of one log would spread over other partitions (breaking per-log order) and the compacted
 * watchlist would keep stale rules under old key bytes.
 *
 * <p>Immutable and thread-safe; the serdes are shared by all users of one instance.
 */
public final class Topics {

  public static final String CHECKPOINTS = "sigwatch.checkpoints";
  public static final String REKOR_ENTRIES = "sigwatch.rekor.entries";
  public static final String CT_ENTRIES = "sigwatch.ct.entries";
  public static final String LOG_EVENTS = "sigwatch.log.events";
  public static final String IDENTITIES = "sigwatch.identities";
  public static final String ALERTS = "sigwatch.alerts";
  public static final String WATCHLIST = "sigwatch.watchlist";
  public static final String AUTHORIZATIONS = "sigwatch.authorizations";
  public static final String DLQ = "sigwatch.dlq";
  public static final String INGEST_POSITIONS = "sigwatch.ingest.positions";
  /** Prefix of a forensic replay's own output topic, {@code sigwatch.replay.<name>}: never the live alerts. */
  public static final String REPLAY_PREFIX = "sigwatch.replay.";

  /** Raw entries are kept long enough to replay a quarter's history against a new watchlist. */
  static final Duration REPLAY_WINDOW = Duration.ofDays(90);

  private final AvroSerdes serdes;
  private final String prefix;
  private final Topic<String, Checkpoint> checkpoints;
  private final Topic<String, RekorEntry> rekorEntries;
  private final Topic<String, CtEntry> ctEntries;
  private final Topic<String, LogEvent> logEvents;
  private final Topic<String, IdentityEvent> identities;
  private final Topic<String, Alert> alerts;
  private final Topic<String, WatchRule> watchlist;
  private final Topic<String, dev.sigwatch.schemas.Authorization> authorizations;
  private final Topic<String, RejectedRecord> dlq;
  private final Topic<String, IngestPosition> ingestPositions;

  private Topics(AvroSerdes serdes, String prefix) {
    this.serdes = serdes;
    this.prefix = prefix;
    // Checkpoints are few and small, and are the audit trail of what each log signed: one partition, kept forever.
    checkpoints = topic(CHECKPOINTS, Checkpoint.class, 1, CleanupPolicy.DELETE, Topic.FOREVER);
    // Raw entries, keyed by log id so each log's entries stay in index order within one partition.
    rekorEntries = topic(REKOR_ENTRIES, RekorEntry.class, 3, CleanupPolicy.DELETE, REPLAY_WINDOW);
    ctEntries = topic(CT_ENTRIES, CtEntry.class, 3, CleanupPolicy.DELETE, REPLAY_WINDOW);
    logEvents = topic(LOG_EVENTS, LogEvent.class, 1, CleanupPolicy.DELETE, REPLAY_WINDOW);
    identities = topic(IDENTITIES, IdentityEvent.class, 3, CleanupPolicy.DELETE, REPLAY_WINDOW);
    // Alerts are the product's output and small: kept for a year.
    alerts = topic(ALERTS, Alert.class, 3, CleanupPolicy.DELETE, Duration.ofDays(365));
    // The watchlist is state, not history: compacted, a tombstone removes a rule.
    watchlist = topic(WATCHLIST, WatchRule.class, 1, CleanupPolicy.COMPACT, Topic.FOREVER);
    // Authorizations (expected signings) are state like the watchlist: compacted, a tombstone removes one.
    authorizations = topic(AUTHORIZATIONS, dev.sigwatch.schemas.Authorization.class, 1, CleanupPolicy.COMPACT,
        Topic.FOREVER);
    dlq = topic(DLQ, RejectedRecord.class, 1, CleanupPolicy.DELETE, Duration.ofDays(30));
    // Ingest's position per log (and per backfill range), written in the entries' transaction: state, not history.
    // Compacted, and its segments roll hourly so the compactor keeps the uncompacted tail short: a restart scans the
    // tail backwards to the latest record of its key, about one record per ingest (see PositionReader in ingest).
    ingestPositions = topic(INGEST_POSITIONS, IngestPosition.class, 1, CleanupPolicy.COMPACT, Topic.FOREVER)
        .withConfigs(Map.of(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"));
  }

  /** The catalogue with serdes built from {@code config} over the shipped schema history. */
  public static Topics create(SerdeConfig config) {
    return new Topics(AvroSerdes.create(config), "");
  }

  /** The catalogue over given serdes (e.g. another schema history). */
  public static Topics create(AvroSerdes serdes) {
    return new Topics(serdes, "");
  }

  /**
   * This catalogue with every topic name prefixed by {@code prefix} (same serdes, partitions and retention): separate
   * pipelines on one cluster, e.g. tests sharing a broker that must not read each other's records.
   *
   * @param prefix letters, digits, {@code .}, {@code _} and {@code -} (Kafka's topic name characters)
   */
  public Topics withPrefix(String prefix) {
    if (!prefix.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("topic prefix may only hold letters, digits, '.', '_' and '-', was: " + prefix);
    }
    return new Topics(serdes, this.prefix + prefix);
  }

  private <V extends SpecificRecord> Topic<String, V> topic(
      String name, Class<V> type, int partitions, CleanupPolicy policy, Duration retention) {
    Serde<String> keys = Serdes.String();
    return new Topic<>(prefix + name, keys, serdes.valueSerde(type), partitions, policy, retention);
  }

  public AvroSerdes serdes() {
    return serdes;
  }

  public Topic<String, Checkpoint> checkpoints() {
    return checkpoints;
  }

  public Topic<String, RekorEntry> rekorEntries() {
    return rekorEntries;
  }

  public Topic<String, CtEntry> ctEntries() {
    return ctEntries;
  }

  public Topic<String, LogEvent> logEvents() {
    return logEvents;
  }

  public Topic<String, IdentityEvent> identities() {
    return identities;
  }

  public Topic<String, Alert> alerts() {
    return alerts;
  }

  public Topic<String, WatchRule> watchlist() {
    return watchlist;
  }

  /** Expected signings ({@code sigwatch authorize}); compacted, key = the authorization id. */
  public Topic<String, dev.sigwatch.schemas.Authorization> authorizations() {
    return authorizations;
  }

  public Topic<String, RejectedRecord> dlq() {
    return dlq;
  }

  /** Where each ingest (a log's live ingest, a backfill range) resumes; compacted, key = the ingest's id. */
  public Topic<String, IngestPosition> ingestPositions() {
    return ingestPositions;
  }

  /**
   * A forensic replay's output topic {@code sigwatch.replay.<name>}: the replay's matches as alerts, apart from the
   * live {@link #alerts()} so no subscriber of those mistakes history for news. Not in {@link #all()}: created when a
   * replay writes to it. Kept like the alerts (a year).
   *
   * @param name the replay's name: letters, digits, {@code .}, {@code _} and {@code -}, at most 100
   */
  public Topic<String, Alert> replay(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException("replay name may only hold letters, digits, '.', '_' and '-' (1 to 100), "
          + "was: " + name);
    }
    return topic(REPLAY_PREFIX + name, Alert.class, 1, CleanupPolicy.DELETE, Duration.ofDays(365));
  }

  /** Every topic, in pipeline order, for creation ({@link TopicAdmin#ensureTopics}). */
  public List<Topic<String, ?>> all() {
    return List.of(checkpoints, rekorEntries, ctEntries, logEvents, identities, alerts, watchlist, dlq, ingestPositions,
        authorizations);
  }

  /** The topic of that name, or empty. */
  public Optional<Topic<String, ?>> byName(String name) {
    return all().stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
