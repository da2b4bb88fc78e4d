package dev.sigwatch.verify;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/** The verify stage as a Kafka Streams topology. */
public final class VerifyTopology {

  /** Per log: last verified checkpoint, progress time, stale and frozen flags. */
  public static final String LOG_STATE_STORE = "verify-log-state";
  /** Ids of the alerts the checkpoint processor raised (dedup across replays and restarts). */
  public static final String CHECKPOINT_ALERT_IDS_STORE = "verify-checkpoint-alert-ids";
  /** Per log: open incident episodes and the roots of the latest verified checkpoints. */
  public static final String INCIDENT_STORE = "verify-incidents";
  /** Per log: the audit's compact range, next index, pending checkpoints, leaves ahead of every checkpoint. */
  public static final String AUDIT_STATE_STORE = "verify-audit-state";
  /** Ids of the alerts the audit processor raised. */
  public static final String AUDIT_ALERT_IDS_STORE = "verify-audit-alert-ids";
  /** TAMPERED_ENTRIES alerts the audit holds for a moment, in case a fork explains them (few, short-lived). */
  public static final String AUDIT_HELD_STORE = "verify-audit-held";

  private VerifyTopology() {}

  /*
   * sigwatch.checkpoints ─► CheckpointProcessor [log-state, alert-ids, incidents] ──┬─ alerts ─► sigwatch.alerts
   *   (the pure Judge: signatures, witnesses, consistency, shards, liveness)        ├─ events ─► sigwatch.log.events
   *                                                                                 ├─ rejected ► sigwatch.dlq
   *                                                                                 └─ verified ─► repartition by log id
   *                                                                                    (as many partitions as the    │
   *                                                                                     entry topics)                │
   * sigwatch.rekor.entries ─► leaf hash ─┐                                                                           │
   * sigwatch.ct.entries ────► leaf hash ─┴─ merge ◄──────────────────────────────────────────────────────────────────┘
   *            └─► AuditProcessor [audit-state, audit-alert-ids]        ─► alerts / events / rejected (as above)
   */
  /**
   * Builds the topology. The entry topics must have the same partition count (each log's entries and its verified
   * checkpoints meet in one task) and be keyed by log id with the default partitioner.
   *
   * @throws IllegalArgumentException if the entry topics' partition counts differ
   */
  public static Topology build(VerifySettings settings, Topics topics) {
    int partitions = topics.rekorEntries().partitions();
    if (topics.ctEntries().partitions() != partitions) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "%s has %d partitions but %s has %d: they must match", topics.ctEntries().name(),
          topics.ctEntries().partitions(), topics.rekorEntries().name(), partitions));
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LOG_STATE_STORE),
        Serdes.String(), LogState.serde()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHECKPOINT_ALERT_IDS_STORE),
        Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENT_STORE),
        Serdes.String(), IncidentState.serde()));
    // Changed by every entry, but kept live in memory and written once per log per commit (see AuditStore).
    builder.addStateStore(new AuditStoreBuilder(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(AUDIT_STATE_STORE), Serdes.String(), Serdes.ByteArray()).withCachingDisabled()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AUDIT_ALERT_IDS_STORE),
        Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AUDIT_HELD_STORE),
        Serdes.String(), Serdes.ByteArray()));

    // Checkpoints: verify each against the trusted root and the log's last verified checkpoint.
    KStream<String, VerifyOutput> checked = builder
        .stream(topics.checkpoints().name(), topics.checkpoints().consumed().withName("checkpoints"))
        .process(() -> new GuardedProcessor<>(settings.applicationId(), "verify.checkpoints",
            new CheckpointProcessor(settings)), Named.as("verify-checkpoints"),
            LOG_STATE_STORE, CHECKPOINT_ALERT_IDS_STORE, INCIDENT_STORE);
    KStream<String, VerifyOutput> verified = route(checked, "checkpoint-", topics);

    // Verified checkpoints join their log's entries: repartitioned by log id like the entry topics.
    Topic<String, Checkpoint> cps = topics.checkpoints();
    KStream<String, AuditInput> verifiedForAudit = verified
        .mapValues(v -> ((VerifyOutput.Verified) v).checkpoint(), Named.as("verified-checkpoint"))
        .repartition(Repartitioned.with(cps.keySerde(), cps.valueSerde())
            .withName("verified-checkpoints").withNumberOfPartitions(partitions))
        .mapValues(c -> (AuditInput) new AuditInput.Verified(c.getLogId(), c), Named.as("audit-checkpoint"));

    // Entries: reduced to their leaf hashes (plus the Rekor v1 JSON, for its inclusion proof). Rekor entries are
    // read in place by RekorEntryReader (the body hashed where it lies, the JSON not copied).
    Serde<AuditInput> rekorLeaves = Serdes.serdeFrom((topic, v) -> {
      throw new UnsupportedOperationException("audit inputs are never written");
    }, new RekorEntryReader(topics.rekorEntries().valueSerde().deserializer()));
    KStream<String, AuditInput> rekor = builder
        .stream(topics.rekorEntries().name(), Consumed.with(topics.rekorEntries().keySerde(), rekorLeaves)
            .withName("rekor-entries"));
    KStream<String, AuditInput> ct = builder
        .stream(topics.ctEntries().name(), topics.ctEntries().consumed().withName("ct-entries"))
        .mapValues(AuditInput::of, Named.as("ct-leaf-hash"));

    // Full audit: append leaves in index order, compare roots at checkpoint sizes.
    KStream<String, VerifyOutput> audited = rekor
        .merge(ct, Named.as("entries"))
        .merge(verifiedForAudit, Named.as("audit-input"))
        .process(() -> new GuardedProcessor<>(settings.applicationId(), "verify.audit", new AuditProcessor(settings)),
            Named.as("verify-audit"),
            AUDIT_STATE_STORE, AUDIT_ALERT_IDS_STORE, AUDIT_HELD_STORE);
    route(audited, "audit-", topics);
    return builder.build();
  }

  /** Sends alerts, events and rejected records to their topics; returns the verified checkpoints. */
  private static KStream<String, VerifyOutput> route(KStream<String, VerifyOutput> out, String prefix, Topics topics) {
    Map<String, KStream<String, VerifyOutput>> b = out.split(Named.as(prefix))
        .branch((k, v) -> v instanceof VerifyOutput.AlertOut, Branched.as("alerts"))
        .branch((k, v) -> v instanceof VerifyOutput.EventOut, Branched.as("events"))
        .branch((k, v) -> v instanceof VerifyOutput.Rejected, Branched.as("rejected"))
        .defaultBranch(Branched.as("verified"));
    b.get(prefix + "alerts")
        .mapValues(v -> ((VerifyOutput.AlertOut) v).alert(), Named.as(prefix + "alert-value"))
        .to(topics.alerts().name(), topics.alerts().produced().withName(prefix + "alerts-sink"));
    b.get(prefix + "events")
        .mapValues(v -> ((VerifyOutput.EventOut) v).event(), Named.as(prefix + "event-value"))
        .to(topics.logEvents().name(), topics.logEvents().produced().withName(prefix + "events-sink"));
    b.get(prefix + "rejected")
        .mapValues(v -> ((VerifyOutput.Rejected) v).record(), Named.as(prefix + "rejected-value"))
        .to(topics.dlq().name(), topics.dlq().produced().withName(prefix + "dlq-sink"));
    return b.get(prefix + "verified");
  }
}
