package dev.sigwatch.ingest.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.faults.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CT source end to end: the simulator's RFC 6962 log (get-entries capped far below the batch size, transport faults
 * on every endpoint) through {@link IngestService} into the embedded broker, read back with read_committed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CtIngestIT {
  static final String CT = "/ct/ct/v1/";

  static void injectEveryFault(SigstoreSimulator sim) {
    String entries = CT + "get-entries";
    sim.inject(Fault.next(3, Fault.Kind.RATE_LIMIT, entries).withRetryAfter(1)); // capped by the test's retry policy
    sim.inject(Fault.next(3, Fault.Kind.UNAVAILABLE, entries));
    sim.inject(Fault.next(2, Fault.Kind.SERVER_ERROR, entries));
    sim.inject(Fault.next(3, Fault.Kind.TRUNCATE, entries));
    sim.inject(Fault.next(3, Fault.Kind.RESET, entries));
    sim.inject(Fault.next(3, Fault.Kind.SLOW, entries).withDelay(Duration.ofMillis(50)));
    sim.inject(Fault.next(1, Fault.Kind.UNAVAILABLE, CT + "get-sth"));
    sim.inject(Fault.next(1, Fault.Kind.TRUNCATE, CT + "get-sth-consistency"));
    // More failures in a row than the retry policy allows: the batch is fetched again, never skipped.
    sim.inject(Fault.next(5, Fault.Kind.UNAVAILABLE, entries));
  }

  /** Logs {@code n} certificates to the simulator's CT log (only) and publishes one STH over them. */
  static void growCt(SigstoreSimulator sim, int n) {
    for (int i = 0; i < n; i++) {
      sim.ca().issue(Identity.email("user" + sim.ct().tree().size() + "@example.com", "https://accounts.example.com"),
          Instant.now(), List.of(sim.ct()));
    }
    sim.ct().publish();
  }

  @Test
  void everyEntryLandsOnceInOrderThroughCappedGetEntriesAndFaults(KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded());
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    try (SigstoreSimulator sim = SigstoreSimulator.builder().ctMaxEntries(7).build().start()) {
      String logId = sim.ctUrl().substring("http://".length());
      IngestSettings settings = IngestSettings.defaults(List.of(LogTarget.of("ct", sim.ctUrl())))
          .withStartMode(new StartMode.AtIndex(0)).withPollInterval(Duration.ofMillis(200))
          .withRate(Double.POSITIVE_INFINITY).withInFlight(4)
          .withRetry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));
      try (Reader<CtEntry> entries = new Reader<>(broker, topics.ctEntries(), logId);
          Reader<Checkpoint> checkpoints = new Reader<>(broker, topics.checkpoints(), logId)) {
        long n0 = sim.ct().tree().size(); // the simulator logs a few certificates when it starts
        long first = n0 + 300;
        long total = n0 + 450;
        growCt(sim, 300);
        injectEveryFault(sim);
        IngestService service = new IngestService(settings, Map.of("bootstrap.servers", broker.bootstrapServers()),
            topics, IngestMetrics.unregistered()).start();
        try {
          await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= first);
          growCt(sim, 150); // the next STH carries a consistency proof from the first one
          injectEveryFault(sim);
          await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= total);
          await().atMost(Duration.ofSeconds(10)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == total));
        } finally {
          service.close();
        }
        entries.poll();
        List<CtEntry> got = entries.values();
        assertThat(got).hasSize((int) total); // nothing more after the service stopped: no duplicate
        for (int i = 0; i < got.size(); i++) {
          CtEntry e = got.get(i);
          assertThat(e.getIndex()).as("record %d", i).isEqualTo(i);
          assertThat(e.getLogId()).isEqualTo(logId);
          assertThat(CtSourceTest.bytes(e.getLeafInput())).isEqualTo(sim.ct().entry(i).leafInput());
          assertThat(CtSourceTest.bytes(e.getExtraData())).isEqualTo(sim.ct().entry(i).extraData());
        }

        List<Checkpoint> cps = checkpoints.values();
        assertThat(cps).extracting(Checkpoint::getTreeSize).containsSubsequence(first, total);
        Checkpoint grown = cps.stream().filter(c -> c.getTreeSize() == total).findFirst().orElseThrow();
        assertThat(grown.getProofFromSize()).isEqualTo(first);
        assertThat(grown.getOrigin()).isEqualTo(logId);
        assertThat(grown.getTimestampMillis()).isEqualTo(sim.ct().sth().timestamp());
        assertThat(new String(CtSourceTest.bytes(grown.getRawNote()), StandardCharsets.UTF_8))
            .startsWith("{\"tree_size\":" + total + ",");
        for (Checkpoint c : cps) {
          if (c.getProofFromSize() == null) continue;
          MerkleVerifier.verifyConsistency(c.getProofFromSize(), c.getTreeSize(),
              c.getConsistencyProof().stream().map(CtSourceTest::bytes).toList(), CtSourceTest.bytes(c.getProofFromRoot()),
              CtSourceTest.bytes(c.getRootHash()));
        }
        assertThat(CtSourceTest.bytes(grown.getRootHash())).isEqualTo(sim.ct().tree().root(total));
      }
    }
  }

  /** Reads a topic from the beginning with read_committed (no group), keeping records under one key. */
  static final class Reader<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final String key;
    private final List<ConsumerRecord<String, V>> records = new ArrayList<>();

    Reader(KafkaTestBroker broker, Topic<String, V> topic, String key) {
      Map<String, Object> c = broker.consumerConfig("unused");
      c.remove("group.id");
      c.put("isolation.level", "read_committed");
      consumer = new KafkaConsumer<>(c, new StringDeserializer(), topic.valueSerde().deserializer());
      List<TopicPartition> tps = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      this.key = key;
    }

    List<ConsumerRecord<String, V>> poll() {
      for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
        if (key.equals(r.key())) records.add(r);
      }
      return records;
    }

    List<V> values() {
      return records.stream().map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
