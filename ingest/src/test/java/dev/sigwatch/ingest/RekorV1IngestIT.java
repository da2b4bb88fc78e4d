package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.ShardState;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.faults.Fault;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class RekorV1IngestIT {
  static final String ENTRIES = "/api/v1/log/entries/retrieve";

  static Topics topics(KafkaTestBroker broker) {
    return topics(broker, "");
  }

  /** The catalogue with every name prefixed by {@code prefix} (topics of one test's own), created on the broker. */
  static Topics topics(KafkaTestBroker broker, String prefix) {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(prefix);
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    return topics;
  }

  static IngestSettings settings(String url, StartMode mode) {
    return IngestSettings.defaults(List.of(LogTarget.of("rekor-v1", url))).withStartMode(mode)
        .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(8)
        .withRetry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  static void injectEveryFault(RekorV1Sim sim) {
    sim.faults.inject(Fault.next(3, Fault.Kind.RATE_LIMIT, ENTRIES).withRetryAfter(0));
    sim.faults.inject(Fault.next(3, Fault.Kind.UNAVAILABLE, ENTRIES));
    sim.faults.inject(Fault.next(2, Fault.Kind.SERVER_ERROR, ENTRIES));
    sim.faults.inject(Fault.next(3, Fault.Kind.TRUNCATE, ENTRIES));
    sim.faults.inject(Fault.next(3, Fault.Kind.RESET, ENTRIES));
    sim.faults.inject(Fault.next(3, Fault.Kind.SLOW, ENTRIES).withDelay(Duration.ofMillis(50)));
    sim.faults.inject(Fault.next(1, Fault.Kind.UNAVAILABLE, "/api/v1/log/proof"));
    // More failures in a row than the retry policy allows: the batch is fetched again, never skipped.
    sim.faults.inject(Fault.next(6, Fault.Kind.UNAVAILABLE, ENTRIES));
  }

  @Test
  void everyEntryLandsOnceInOrderAcrossAShardRotationThroughFaults(KafkaTestBroker broker) throws Exception {
    Topics topics = topics(broker);
    String host = "rekor-it-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 8);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), host + " - ")) {
      sim.grow(1200);
      injectEveryFault(sim);
      IngestService service = new IngestService(settings(sim.url(), new StartMode.AtIndex(0)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 1200);
        sim.grow(300); // the first shard grows once more: its next checkpoint carries a consistency proof
        injectEveryFault(sim);
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 1500);
        sim.log.rotate();
        sim.grow(700);
        injectEveryFault(sim);
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 2200);
      } finally {
        service.close();
      }
      entries.poll();
      assertExactlyOnceInOrder(entries.values(), 2200);
      Map<String, List<Long>> leafIndexes = new HashMap<>();
      for (RekorEntry e : entries.values()) leafIndexes.computeIfAbsent(e.getLogId(), k -> new ArrayList<>()).add(e.getLeafIndex());
      assertThat(leafIndexes).hasSize(2);
      assertThat(leafIndexes.values()).extracting(List::size).containsExactlyInAnyOrder(1500, 700);
      leafIndexes.values().forEach(l -> assertThat(l).isEqualTo(range(0, l.size())));

      await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
          .anyMatch(r -> r.value().getShardState() == ShardState.INACTIVE));
      List<Checkpoint> cps = checkpoints.values();
      Checkpoint frozen = cps.stream().filter(c -> c.getShardState() == ShardState.INACTIVE).findFirst().orElseThrow();
      assertThat(frozen.getTreeSize()).isEqualTo(1500);
      assertThat(frozen.getActiveShards()).hasSize(2).last().isEqualTo(frozen.getLogId());
      Checkpoint grown = cps.stream().filter(c -> c.getProofFromSize() != null).findFirst().orElseThrow();
      MerkleVerifier.verifyConsistency(grown.getProofFromSize(), grown.getTreeSize(),
          grown.getConsistencyProof().stream().map(RekorV1IngestIT::bytes).toList(), bytes(grown.getProofFromRoot()),
          bytes(grown.getRootHash()));
      Checkpoint active = cps.get(cps.size() - 1);
      assertThat(active.getShardState()).isEqualTo(ShardState.ACTIVE);
      assertThat(active.getShardOffset()).isEqualTo(1500);
      assertThat(active.getTreeSize()).isEqualTo(700);
    }
  }

  /** Every index in [0, n) exactly once, each key's records in increasing order, and bodies that hash to their UUID. */
  static void assertExactlyOnceInOrder(List<RekorEntry> got, int n) {
    assertThat(got.stream().map(RekorEntry::getLogIndex).sorted().toList()).isEqualTo(range(0, n));
    Map<String, Long> last = new HashMap<>();
    for (RekorEntry e : got) {
      Long prev = last.put(e.getLogId(), e.getLogIndex());
      if (prev != null) assertThat(e.getLogIndex()).as("order within %s", e.getLogId()).isGreaterThan(prev);
      String leaf = HexFormat.of().formatHex(Rfc6962.leafHash(bytes(e.getBody())));
      assertThat(e.getUuid()).endsWith(leaf);
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
