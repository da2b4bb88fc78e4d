package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** Builds the match stage's Kafka Streams topology. */
public final class MatchTopology {
  static final String WATCHLIST_STORE = "match-watchlist";
  static final String AUTHORIZATIONS_STORE = "match-authorizations";
  static final String LOG_EVIDENCE_STORE = "match-log-evidence";

  private MatchTopology() {}

  /**
   * The topology:
   * <pre>
   *  rekor.entries ─► parse ─┬─► key by TBS hash ─► identities ─► CT ⋈ Rekor join ─────────► alerts
   *  ct.entries ───► parse ─┤   log positions ─► (to every partition) ─┘
   *                          ├─► dlq (+ MALFORMED_ENTRY alert) ──────────────────────────► alerts
   *                          └─► match (watchlist, chain check) ──────────────────────────► alerts
   *  watchlist (compacted) ─► global store ─► WatchlistState (read by match and join)
   *  log.events (verify) ───► global store ─► LogEvidence (audited positions, frozen shards: read by parse and join)
   * </pre>
   *
   * @param topics the topic catalogue
   * @param watchlist shared watchlist state, fed by the global store
   * @param chains chain classifier for matched certificates
   * @param joinWindow the CT ⋈ Rekor join's grace: how long after a certificate's notAfter a log may still integrate
   *     an entry for it (integration delay plus the age of the checkpoint it serves)
   * @param clock clock for DLQ timestamps
   */
  public static Topology build(Topics topics, WatchlistState watchlist, ChainCheck chains, Duration joinWindow,
      Clock clock) {
    if (joinWindow.isNegative() || joinWindow.isZero()) {
      throw new IllegalArgumentException("joinWindow must be > 0, was " + joinWindow);
    }
    StreamsBuilder b = new StreamsBuilder();
    var identitySerde = topics.identities().valueSerde();

    // The watchlist: a global store (every instance sees every rule) mirrored into the shared compiled snapshot.
    b.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WATCHLIST_STORE), Serdes.String(),
            topics.watchlist().valueSerde()).withLoggingDisabled(),
        topics.watchlist().name(), topics.watchlist().consumed(),
        () -> new WatchlistUpdater(WATCHLIST_STORE, watchlist));

    // Authorizations (sigwatch authorize): a global store mirrored into the watchlist's shared authorization state.
    b.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AUTHORIZATIONS_STORE), Serdes.String(),
            topics.authorizations().valueSerde()).withLoggingDisabled(),
        topics.authorizations().name(), topics.authorizations().consumed(),
        () -> new AuthorizationUpdater(AUTHORIZATIONS_STORE, watchlist.authorizations()));

    // What verify proved about each log: a global store (every task needs every log) mirrored into LogEvidence.
    LogEvidence evidence = new LogEvidence();
    b.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LOG_EVIDENCE_STORE), Serdes.String(),
            topics.logEvents().valueSerde()).withLoggingDisabled(),
        topics.logEvents().name(), topics.logEvents().consumed(),
        () -> new LogEvidenceUpdater(LOG_EVIDENCE_STORE, evidence));

    // Parse both logs into one stream of identity events, log positions, rejections and malformed-entry alerts.
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ParseProcessor.POSITIONS_STORE),
        Serdes.String(), Serdes.String()));
    KStream<String, SpecificRecord> rekor = b.stream(topics.rekorEntries().name(), topics.rekorEntries().consumed())
        .process(() -> new ParseProcessor<>(clock, evidence), Named.as("match-parse-rekor"),
            ParseProcessor.POSITIONS_STORE);
    KStream<String, SpecificRecord> ct = b.stream(topics.ctEntries().name(), topics.ctEntries().consumed())
        .process(() -> new ParseProcessor<>(clock, evidence), Named.as("match-parse-ct"),
            ParseProcessor.POSITIONS_STORE);
    KStream<String, SpecificRecord> parsed = rekor.merge(ct, Named.as("match-parsed"));

    // Rejections to the DLQ, malformed-entry alerts to the alerts topic.
    parsed.filter((k, v) -> v instanceof RejectedRecord).mapValues(v -> (RejectedRecord) v)
        .to(topics.dlq().name(), topics.dlq().produced());
    parsed.filter((k, v) -> v instanceof Alert).mapValues(v -> (Alert) v)
        .to(topics.alerts().name(), topics.alerts().produced());

    // Normalized identity events, for other consumers (the store's search) and for the CT ⋈ Rekor join below: keyed
    // by certificate (the precertificate TBS hash, the same for a CT precertificate and the Rekor entry that uses the
    // issued certificate; an entry without a certificate keeps its key), so that both sides of one certificate meet in
    // one partition whichever log they came from. Log positions go to every partition, behind the entries they cover.
    KStream<String, IdentityEvent> identitiesAndPositions = parsed.filter((k, v) -> v instanceof IdentityEvent)
        .mapValues(v -> (IdentityEvent) v);
    identitiesAndPositions
        .selectKey((k, v) -> LogPositions.isPosition(v) || v.getTbsHash() == null ? k : v.getTbsHash(),
            Named.as("match-key-by-certificate"))
        .to(topics.identities().name(), topics.identities().produced()
            .withStreamPartitioner(LogPositions.PARTITIONER).withName("match-identities"));
    KStream<String, IdentityEvent> identities = identitiesAndPositions.filterNot((k, v) -> LogPositions.isPosition(v));

    // Watchlist matches with the chain verdict.
    KStream<String, SpecificRecord> matched = identities.process(() -> new MatchProcessor(watchlist, chains, clock),
        Named.as("match-watchlist-match"));
    matched.filter((k, v) -> v instanceof Alert).mapValues(v -> (Alert) v)
        .to(topics.alerts().name(), topics.alerts().produced());
    matched.filter((k, v) -> v instanceof RejectedRecord).mapValues(v -> (RejectedRecord) v)
        .to(topics.dlq().name(), topics.dlq().produced());

    // CT ⋈ Rekor on the TBS hash, reading sigwatch.identities (keyed by it above): no repartition topic of its own,
    // so each entry is written and read once for both (it was written twice before: identities and a repartition).
    // The seen marks and pending sides are read three times per entry and written at most twice: Kafka Streams' record
    // cache answers repeated reads of one certificate without RocksDB and writes each changed key once per commit
    // (what the changelog and RocksDB hold at every commit is the same).
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JoinProcessor.SEEN_STORE),
        Serdes.String(), Serdes.String()).withCachingEnabled());
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JoinProcessor.PENDING_STORE),
        Serdes.String(), identitySerde).withCachingEnabled());
    // The deadline index is derived from the two stores above at every init: local only, no changelog.
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JoinProcessor.DEADLINE_STORE),
        Serdes.String(), Serdes.String()).withLoggingDisabled());
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JoinProcessor.PROGRESS_STORE),
        Serdes.String(), Serdes.String()));
    b.stream(topics.identities().name(), topics.identities().consumed().withName("match-identities-for-join"))
        // Only records keyed by their own certificate: identities written before the topic was keyed so (by an older
        // sigwatch, keyed by fingerprint and partitioned accordingly) are not the join's to read.
        .filter((k, v) -> v != null && (LogPositions.isPosition(v) || (k != null && k.equals(v.getTbsHash()))),
            Named.as("match-certificates-for-join"))
        .process(() -> new JoinProcessor(joinWindow, watchlist, chains, evidence), Named.as("match-ct-rekor-join"),
            JoinProcessor.SEEN_STORE, JoinProcessor.PENDING_STORE, JoinProcessor.DEADLINE_STORE,
            JoinProcessor.PROGRESS_STORE)
        .to(topics.alerts().name(), topics.alerts().produced());
    return b.build();
  }
}
