package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ingest's position record (issue 18): a restart reads one record per log whatever the history; a backfill sharing
 * the log's partition never moves live ingest's position; a log without a record is resumed the old way, once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PositionRecordIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aRestartAfterALongHistoryReadsItsPositionRecordNotTheCheckpoints(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "pos-long-" + UUID.randomUUID() + ".");
    String host = "rekor-pos-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), host + " - ")) {
      sim.grow(500);
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(0), entries, 500);
      await().atMost(WAIT).until(() -> !checkpoints.poll().isEmpty());
      // Weeks of history: many checkpoints of this log in the never-compacted checkpoints topic.
      int history = 20_000;
      flood(broker, topics.checkpoints().name(), checkpoints.records.get(0).key(),
          topics.checkpoints().valueSerde().serializer().serialize("t", checkpoints.values().get(0)), history);

      sim.grow(300);
      IngestMetrics metrics = IngestMetrics.unregistered();
      IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics).start();
      try {
        await().atMost(WAIT).until(() -> entries.poll().size() >= 800);
        long read = metrics.resumeRecordsRead(LogTarget.of("rekor-v1", sim.url()).withoutScheme());
        assertThat(read).as("records read to resume").isBetween(1L, 64L);
      } finally {
        service.close();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 800);
    }
  }

  @Test
  void aBackfillOnTheSamePartitionNeverMovesLiveIngestsPosition(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "pos-bf-" + UUID.randomUUID() + ".");
    String host = "rekor-bf-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(10_000);
      // Live ingest from 5,000; then a backfill of [0, 5000) writes more than the old 4,096-record guess window after
      // live's last entry, into the same partition (same key).
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(5_000), entries, 5_000);
      ingestUntil(broker, topics, sim, new StartMode.Range(0, 5_000), entries, 10_000);
      // The backfill again: its own record says its range is done.
      ingestUntil(broker, topics, sim, new StartMode.Range(0, 5_000), entries, 10_000);
      sim.grow(200);
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(5_000), entries, 10_200);
      entries.poll();
      // Exactly once: no index skipped, none read twice (live's restart resumed at 10,000, not after the backfill).
      assertThat(entries.values().stream().map(RekorEntry::getLogIndex).sorted().toList())
          .isEqualTo(RekorV1IngestIT.range(0, 10_200));
    }
  }

  /**
   * The same as above with both running at once: the backfill's transactions interleave with live ingest's on the
   * same partition while the log grows; then live ingest restarts. Every index lands exactly once.
   */
  @Test
  void aBackfillRunningBesideLiveIngestThenARestartSkipsAndRereadsNothing(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "pos-bf2-" + UUID.randomUUID() + ".");
    String host = "rekor-bf2-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(3_000);
      IngestService live = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(1_500)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
      IngestService backfill = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.Range(0, 1_500)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
      try {
        sim.grow(300); // live has more to do while the backfill runs
        await().atMost(WAIT).until(() -> entries.poll().size() >= 3_300 && backfill.finished());
      } finally {
        backfill.close();
        live.close();
      }
      sim.grow(200);
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(1_500), entries, 3_500);
      entries.poll();
      assertThat(entries.values().stream().map(RekorEntry::getLogIndex).sorted().toList())
          .isEqualTo(RekorV1IngestIT.range(0, 3_500));
    }
  }

  @Test
  void aLogWithoutAPositionRecordResumesFromItsLastEntryOnceThenHasOne(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "pos-mig-" + UUID.randomUUID() + ".");
    String host = "rekor-mig-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<IngestPosition> positions = new TopicReader<>(broker, topics.ingestPositions(), "")) {
      sim.grow(700);
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(0), entries, 700);
      await().atMost(WAIT).until(() -> positions.poll().stream().anyMatch(r -> r.value().getNext() == 700));
      // As a version without position records left it: entries and checkpoints, no record (a tombstone deletes it).
      String key = positions.records.get(0).key();
      flood(broker, topics.ingestPositions().name(), key, null, 1);

      sim.grow(300);
      ingestUntil(broker, topics, sim, new StartMode.AtIndex(0), entries, 1_000);
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 1_000);
      await().atMost(WAIT).until(() -> positions.poll().stream()
          .anyMatch(r -> r.value() != null && r.value().getNext() == 1_000 && !r.value().getLastPublished().isEmpty()));
    }
  }

  /** Runs one ingest until the entries topic holds {@code count} of the log's entries, then stops it. */
  private static void ingestUntil(KafkaTestBroker broker, Topics topics, RekorV1Sim sim, StartMode mode,
      TopicReader<RekorEntry> entries, int count) throws InterruptedException {
    IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), mode),
        Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
    try {
      await().atMost(WAIT).until(() -> entries.poll().size() >= count
          && (!(mode instanceof StartMode.Range) || service.finished()));
    } finally {
      service.close();
    }
  }

  /** Writes {@code n} copies of one record (null value: a tombstone) under {@code key}. */
  private static void flood(KafkaTestBroker broker, String topic, String key, byte[] value, int n) {
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(broker.producerConfig(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(topic, key, value));
      p.flush();
    }
  }
}
