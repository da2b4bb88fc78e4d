package dev.sigwatch.ingest.tiles;

import dev.sigwatch.ingest.TopicReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.RootMismatchException;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.faults.Fault;
import java.nio.ByteBuffer;
import dev.sigwatch.simulator.ca.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rekor v2 and static-ct ingest on the real embedded broker against the Sigstore simulator: every entry lands exactly
 * once and in order through injected faults, across partial tiles that later become full, and every published
 * checkpoint after the first carries a consistency proof that verifies.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TiledIngestIT {

  static Topics topics(KafkaTestBroker broker) {
    Topics topics = Topics.create(SerdeConfig.embedded());
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    return topics;
  }

  static IngestSettings settings(String family, String url) {
    return IngestSettings.defaults(List.of(LogTarget.of(family, url))).withStartMode(new StartMode.AtIndex(0))
        .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(4)
        .withRetry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  /** Every fault kind on entries, hash tiles and the checkpoint; the last burst outlasts the retry policy. */
  static void injectEveryFault(SigstoreSimulator sim, String prefix, String entries) {
    sim.inject(Fault.next(3, Fault.Kind.RATE_LIMIT, prefix + entries).withRetryAfter(0));
    sim.inject(Fault.next(3, Fault.Kind.UNAVAILABLE, prefix + "/tile/0/"));
    sim.inject(Fault.next(2, Fault.Kind.SERVER_ERROR, prefix + entries));
    sim.inject(Fault.next(3, Fault.Kind.TRUNCATE, prefix + entries));
    sim.inject(Fault.next(2, Fault.Kind.TRUNCATE, prefix + "/tile/0/"));
    sim.inject(Fault.next(3, Fault.Kind.RESET, prefix + entries));
    sim.inject(Fault.next(3, Fault.Kind.SLOW, prefix + entries).withDelay(Duration.ofMillis(50)));
    sim.inject(Fault.next(1, Fault.Kind.UNAVAILABLE, prefix + "/checkpoint"));
    sim.inject(Fault.next(6, Fault.Kind.UNAVAILABLE, prefix + entries));
  }

  @Test
  void everyRekorV2EntryLandsOnceInOrderAcrossPartialBundlesThroughFaults(KafkaTestBroker broker) throws Exception {
    Topics topics = topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      String origin = dev.sigwatch.ingest.LogTarget.of("rekor-v2", sim.rekorV2Url()).withoutScheme();
      try (TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), origin);
          TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), origin);
          TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:" + origin)) {
        sim.grow(300); // bundle 0 full, bundle 1 partial (.p/44)
        injectEveryFault(sim, "/rekor2/api/v2", "/tile/entries/");
        IngestService service = new IngestService(settings("rekor-v2", sim.rekorV2Url()),
            Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
        try {
          long[] steps = {100, 120, 250, 3}; // .p/144, bundle 1 full + .p/8, ..., partial edges every time
          for (long step : steps) {
            long want = sim.rekorV2().publishedSize();
            await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= want);
            sim.grow((int) step);
            injectEveryFault(sim, "/rekor2/api/v2", "/tile/entries/");
          }
          long want = sim.rekorV2().publishedSize();
          await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= want);
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == want));
        } finally {
          service.close();
        }
        long n = sim.rekorV2().publishedSize();
        assertThat(n).isEqualTo(773);
        entries.poll();
        List<RekorEntry> got = entries.values();
        assertThat(got).extracting(RekorEntry::getLogIndex).isEqualTo(range(0, n)); // once, in order
        for (RekorEntry e : got) {
          assertThat(e.getLogId()).isEqualTo(origin);
          assertThat(e.getLogType()).isEqualTo(LogType.REKOR_V2);
          assertThat(e.getLeafIndex()).isEqualTo(e.getLogIndex());
          assertThat(e.getUuid()).isNull();
          assertThat(e.getIntegratedTime()).isNull();
          assertThat(e.getRaw()).isNull();
          assertThat(bytes(e.getBody())).as("body %d", e.getLogIndex()).isEqualTo(sim.rekorV2().body(e.getLogIndex()));
        }
        assertVerifiableChain(checkpoints.values(), origin, LogType.REKOR_V2, sim.rekorV2().tree()::root);
        // Only fetch-failure reports (no index) in the DLQ: no served entry was rejected.
        assertThat(dlq.poll()).allSatisfy(r -> assertThat(r.value().getLogIndex()).isNull());
      }
    }
  }

  @Test
  void everyStaticCtEntryLandsOnceInOrderAcrossPartialDataTilesThroughFaults(KafkaTestBroker broker) throws Exception {
    Topics topics = topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      String logId = sim.staticCtUrl().substring(sim.staticCtUrl().indexOf("://") + 3);
      try (TopicReader<CtEntry> entries = new TopicReader<>(broker, topics.ctEntries(), logId);
          TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), logId)) {
        long base = sim.staticCt().tree().size(); // the simulator logs a few certificates at start
        growCerts(sim, 200 - (int) base); // data tile 0 partial (.p/200)
        injectEveryFault(sim, "/static-ct", "/tile/data/");
        IngestService service = new IngestService(settings("static-ct", sim.staticCtUrl()),
            Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
        try {
          for (int step : new int[] {60, 12}) { // tile 0 full + tile 1 .p/4, then tile 1 .p/16
            long want = sim.staticCt().sth().size();
            await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= want);
            growCerts(sim, step);
            injectEveryFault(sim, "/static-ct", "/tile/data/");
          }
          long want = sim.staticCt().sth().size();
          await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= want);
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == want));
        } finally {
          service.close();
        }
        long n = sim.staticCt().sth().size();
        assertThat(n).isEqualTo(272);
        entries.poll();
        List<CtEntry> got = entries.values();
        assertThat(got).extracting(CtEntry::getIndex).isEqualTo(range(0, n));
        for (CtEntry e : got) {
          var served = sim.staticCt().entry(e.getIndex());
          assertThat(e.getLogId()).isEqualTo(logId);
          assertThat(e.getLogType()).isEqualTo(LogType.STATIC_CT);
          assertThat(bytes(e.getLeafInput())).as("leafInput %d", e.getIndex()).isEqualTo(served.leafInput());
          assertThat(bytes(e.getTileLeaf())).as("tileLeaf %d", e.getIndex()).isEqualTo(served.tileLeaf());
          byte[] rest = bytes(e.getExtraData());
          byte[] tileLeaf = served.tileLeaf();
          assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(tileLeaf, tileLeaf.length - rest.length, tileLeaf.length));
          assertThat(rest.length + served.leafInput().length - 2).isEqualTo(tileLeaf.length);
        }
        List<Checkpoint> cps = checkpoints.values();
        assertThat(cps).allSatisfy(c -> assertThat(c.getTimestampMillis()).isNotNull());
        assertVerifiableChain(cps, logId, LogType.STATIC_CT, sim.staticCt().tree()::root);
      }
    }
  }

  @Test
  void rekorV2IncidentsNeitherStallNorDuplicateEntries(KafkaTestBroker broker) throws Exception {
    Topics topics = topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      String origin = dev.sigwatch.ingest.LogTarget.of("rekor-v2", sim.rekorV2Url()).withoutScheme();
      try (TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), origin);
          TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), origin)) {
        sim.grow(300);
        IngestService service = new IngestService(settings("rekor-v2", sim.rekorV2Url()),
            Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
        try {
          await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= 300);
          sim.trigger(Incident.ROLLBACK, dev.sigwatch.simulator.LogTarget.REKOR_V2); // size 299, validly signed
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == 299));
          sim.grow(50);
          sim.trigger(Incident.SPLIT_VIEW, dev.sigwatch.simulator.LogTarget.REKOR_V2); // another root at 350
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .filter(r -> r.value().getTreeSize() == 350).count() >= 2);
          sim.grow(30); // ends the split view
          await().atMost(Duration.ofSeconds(20)).until(() -> entries.poll().size() >= 380);
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == 380));
        } finally {
          service.close();
        }
        entries.poll();
        assertThat(entries.values()).extracting(RekorEntry::getLogIndex).isEqualTo(range(0, 380));
        for (RekorEntry e : entries.values()) {
          assertThat(bytes(e.getBody())).isEqualTo(sim.rekorV2().body(e.getLogIndex()));
        }
        List<Checkpoint> cps = checkpoints.values();
        List<Checkpoint> proved = cps.stream().filter(c -> c.getProofFromSize() != null).toList();
        // The rolled-back checkpoint carries the proof from its size to the proven head (300); growth after it is
        // proven from that head, never from the rollback.
        assertThat(proved).anySatisfy(c -> {
          assertThat(c.getTreeSize()).isEqualTo(299L);
          assertThat(c.getProofFromSize()).isEqualTo(300L);
        });
        for (Checkpoint c : proved) {
          List<byte[]> proof = c.getConsistencyProof().stream().map(TiledIngestIT::bytes).toList();
          byte[] from = bytes(c.getProofFromRoot());
          if (c.getProofFromSize() > c.getTreeSize()) { // a smaller checkpoint: proof from its size up to the head
            MerkleVerifier.verifyConsistency(c.getTreeSize(), c.getProofFromSize(), proof, bytes(c.getRootHash()),
                sim.rekorV2().tree().root(c.getProofFromSize()));
          } else if (java.util.Arrays.equals(from, sim.rekorV2().tree().root(c.getProofFromSize()))) {
            MerkleVerifier.verifyConsistency(c.getProofFromSize(), c.getTreeSize(), proof, from, bytes(c.getRootHash()));
          } else { // from the split view's other root: the tiles' proof exposes it
            assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(c.getProofFromSize(), c.getTreeSize(), proof, from,
                bytes(c.getRootHash()))).isInstanceOf(RootMismatchException.class);
          }
        }
        // the split view's other root was published as served, with no proof (same size as the one before it)
        assertThat(cps.stream().filter(c -> c.getTreeSize() == 350).map(c -> ByteBuffer.wrap(bytes(c.getRootHash())))
            .distinct().count()).isEqualTo(2);
      }
    }
  }

  /** Logs {@code certs} precertificates to the static-ct log only (faster than {@code grow}), then publishes. */
  static void growCerts(SigstoreSimulator sim, int certs) {
    Instant now = Instant.now();
    for (int i = 0; i < certs; i++) {
      sim.ca().issue(Identity.email("dev" + i + "@example.com", Identity.GITHUB_ISSUER), now, List.of(sim.staticCt()));
    }
    sim.staticCt().publish();
  }

  /**
   * The checkpoints of one log, in order: roots are the simulator's tree roots at their sizes, and each after the
   * first proves consistency from the one before it (MerkleVerifier, with the previous root as published).
   */
  static void assertVerifiableChain(List<Checkpoint> cps, String logId, LogType type, Function<Long, byte[]> rootAt)
      throws Exception {
    assertThat(cps).hasSizeGreaterThanOrEqualTo(3); // one per growth step at least
    Checkpoint prev = null;
    for (Checkpoint c : cps) {
      assertThat(c.getLogId()).isEqualTo(logId);
      assertThat(c.getLogType()).isEqualTo(type);
      assertThat(bytes(c.getRootHash())).isEqualTo(rootAt.apply(c.getTreeSize()));
      assertThat(new String(bytes(c.getRawNote()), java.nio.charset.StandardCharsets.UTF_8))
          .startsWith(c.getOrigin() + "\n" + c.getTreeSize() + "\n");
      if (prev == null) {
        assertThat(c.getProofFromSize()).isNull();
      } else {
        assertThat(c.getProofFromSize()).isEqualTo(prev.getTreeSize());
        assertThat(bytes(c.getProofFromRoot())).isEqualTo(bytes(prev.getRootHash()));
        MerkleVerifier.verifyConsistency(c.getProofFromSize(), c.getTreeSize(),
            c.getConsistencyProof().stream().map(TiledIngestIT::bytes).toList(), bytes(c.getProofFromRoot()),
            bytes(c.getRootHash()));
      }
      prev = c;
    }
  }

  static List<Long> range(long from, long to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) l.add(i);
    return l;
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
