package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A poller survives unexpected exceptions (RuntimeExceptions from the source, as a bug would throw) in polling and in
 * fetching mid-transaction: it backs off, resumes from the committed position, and every entry still lands exactly
 * once and in order (read_committed).
 */
@ExtendWith(KafkaBrokerExtension.class)
class PollerResilienceIT {

  /**
   * Delegates to a real source; throws on the 2nd poll (if {@code failPoll}), on the first {@code fetchFailures}
   * fetches of [{@code failingStart}, +10), and answers IOException to fetches of [{@code heldStart}, +10) while
   * {@code held}.
   */
  static final class FlakySource implements LogSource {
    final LogSource real;
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger fetchFailures;
    volatile boolean failPoll = true;
    volatile long failingStart = 500;
    volatile long heldStart = -1;
    volatile boolean held;
    final AtomicInteger failingFetches = new AtomicInteger();

    FlakySource(LogSource real, int fetchFailures) {
      this.real = real;
      this.fetchFailures = new AtomicInteger(fetchFailures);
    }

    @Override public String name() {
      return real.name();
    }

    @Override public Topic<String, ? extends SpecificRecord> entriesTopic() {
      return real.entriesTopic();
    }

    @Override public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException, InterruptedException {
      if (polls.incrementAndGet() == 2 && failPoll) throw new IllegalArgumentException("bug while polling");
      return real.poll(lastPublished);
    }

    @Override public long batchEnd(long start, long limit) {
      return real.batchEnd(start, limit);
    }

    @Override public List<Fetched> fetch(long start, long end) throws IOException, InterruptedException {
      if (start == failingStart) failingFetches.incrementAndGet();
      if (start == failingStart && fetchFailures.getAndDecrement() > 0) throw new NullPointerException("bug while fetching");
      if (start == heldStart && held) throw new IOException("the log does not serve [" + start + ", " + end + ") yet");
      return real.fetch(start, end);
    }

    @Override public Set<String> entryKeys() {
      return real.entryKeys();
    }

    @Override public long indexOf(SpecificRecord entry) {
      return real.indexOf(entry);
    }

    @Override public long endOf(Checkpoint checkpoint) {
      return real.endOf(checkpoint);
    }

    @Override public boolean owns(Checkpoint checkpoint) {
      return real.owns(checkpoint);
    }

    @Override public void restore(Checkpoint published) {
      real.restore(published);
    }
  }

  @Test
  void runtimeExceptionsInPollAndFetchAreRetriedFromTheCommittedPositionAndIngestGoesOn(KafkaTestBroker broker)
      throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    String host = "rekor-flaky-" + UUID.randomUUID().toString().substring(0, 8);
    AtomicLong requestedMillis = new AtomicLong();
    Sleeper fast = d -> { // records what was asked, waits 1 ms: backoffs do not really take seconds
      requestedMillis.addAndGet(d.toMillis());
      Sleeper.SYSTEM.sleep(Duration.ofMillis(Math.min(1, d.toMillis())));
    };
    IngestMetrics metrics = IngestMetrics.unregistered();
    FlakySource[] flaky = new FlakySource[1];
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(1000);
      IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics, fast, Clock.systemUTC())
          .decorateSources(s -> flaky[0] = new FlakySource(s, 3)).start();
      try {
        // The first poll answers; the whole range [0, 1000) is one transaction (commitEvery 5000), so the fetch
        // failures at [500, 510) abort a transaction holding 500 sent entries, three times in a row.
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 1000);
        assertThat(flaky[0].fetchFailures.get()).isNegative();
        sim.grow(200); // the poller is still running: the next checkpoint's entries land too
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 1200);
        await().atMost(Duration.ofSeconds(10)).until(service::healthy);
        assertThat(service.finished()).isFalse();
      } finally {
        service.close();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 1200);
      String name = flaky[0].name();
      assertThat(metrics.failures(name)).isEqualTo(4); // 3 fetches of [500, 510), then the 2nd poll (the resume's)
      assertThat(metrics.entries(name)).isEqualTo(1200);
      assertThat(requestedMillis.get()).as("backed off").isGreaterThanOrEqualTo(500 + 1000 + 2000 + 4000);
    }
  }

  /**
   * A window fails mid-way (a bug at [0, 10)) while another of its fetches keeps failing ([10, 20), log errors): the
   * failed window's fetch tasks must stop retrying, or they hold the fixed fetch pool (inFlight threads) and the resumed
   * window never gets a thread. Bounded: the third attempt at [0, 10) must happen while [10, 20) still fails.
   */
  @Test
  void aFetchThatFailsMidWindowLeavesNoOrphanHoldingTheFetchPool(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "orphans-" + UUID.randomUUID() + ".");
    String host = "rekor-orphans-" + UUID.randomUUID().toString().substring(0, 8);
    FlakySource[] flaky = new FlakySource[1];
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(200);
      IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0))
          .withInFlight(2), Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered())
          .decorateSources(s -> {
            FlakySource f = new FlakySource(s, 2);
            f.failPoll = false;
            f.failingStart = 0;
            f.heldStart = 10;
            f.held = true;
            return flaky[0] = f;
          }).start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> flaky[0] != null && flaky[0].failingFetches.get() >= 3);
        flaky[0].held = false;
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 200);
      } finally {
        service.close();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 200);
    }
  }

  /**
   * Batches fetched ahead of a head batch the log does not serve yet wait within the held budget (issue 18): the
   * budget fills, later batches are dropped and fetched again rather than held, and once the head is served everything
   * lands exactly once. Without the budget all 15 batches behind the head would be held at once.
   */
  @Test
  void batchesWaitingBehindTheHeadStayWithinTheHeldBudget(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "held-" + UUID.randomUUID() + ".");
    String host = "rekor-held-" + UUID.randomUUID().toString().substring(0, 8);
    long limit = 40_000; // a few Rekor v1 batches of 10 entries (a few KB each)
    IngestMetrics metrics = IngestMetrics.unregistered();
    FlakySource[] flaky = new FlakySource[1];
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(400);
      IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0))
          .withInFlight(16), Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics)
          .withHeldBudget(limit)
          .decorateSources(s -> {
            FlakySource f = new FlakySource(s, 0);
            f.failPoll = false;
            f.failingStart = -1;
            f.heldStart = 0; // the head: not served until the test says so
            f.held = true;
            return flaky[0] = f;
          }).start();
      try {
        // The 15 batches behind the head are fetched; only what fits the budget is held, the rest is dropped, to be
        // fetched again when there is room.
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.refetchedBatches(flaky[0].name()) >= 1);
        flaky[0].held = false;
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 400);
      } finally {
        service.close();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 400);
      long biggest = 0;
      long behindHead = 0;
      for (int i = 0; i < 400; i += 10) {
        long batch = 0;
        for (RekorEntry e : entries.values().subList(i, i + 10)) {
          batch += 256 + e.getBody().remaining() + (e.getRaw() == null ? 0 : e.getRaw().remaining());
        }
        biggest = Math.max(biggest, batch);
        if (i >= 10 && i < 160) behindHead += batch;
      }
      assertThat(behindHead).as("the 15 batches behind the head would not fit").isGreaterThan(limit + biggest);
      assertThat(service.peakHeldBytes().get(flaky[0].name())).isPositive().isLessThanOrEqualTo(limit + biggest);
    }
  }

  @Test
  void undecodableRecordsOnItsTopicsNeitherStopNorMoveIngest(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "garbage-it.");
    String host = "rekor-garbage-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4)) {
      String logId = sim.log.origin(sim.log.active());
      byte[] garbage = "not an Avro record".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      // Someone else's garbage on the checkpoints topic, and garbage under this log's own key among its entries.
      send(broker, topics.checkpoints().name(), "someone-else", garbage);
      send(broker, topics.checkpoints().name(), logId, garbage);
      send(broker, topics.rekorEntries().name(), logId, garbage);
      sim.grow(300);
      runUntil(broker, topics, sim, logId, 300);
      send(broker, topics.rekorEntries().name(), logId, garbage); // after the last entry: the resume must skip it
      sim.grow(100);
      runUntil(broker, topics, sim, logId, 400); // a restart resumes at 300
      List<Long> got = decodableIndexes(broker, topics.rekorEntries(), logId);
      assertThat(got).isEqualTo(RekorV1IngestIT.range(0, 400));
    }
  }

  private static void runUntil(KafkaTestBroker broker, Topics topics, RekorV1Sim sim, String logId, int n)
      throws Exception {
    IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0)),
        Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> decodableIndexes(broker, topics.rekorEntries(), logId).size() >= n);
      assertThat(service.healthy()).isTrue();
    } finally {
      service.close();
    }
  }

  private static void send(KafkaTestBroker broker, String topic, String key, byte[] value) throws Exception {
    try (var p = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
        broker.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** The logIndex of every committed, decodable entry under {@code key}, in topic order. */
  private static List<Long> decodableIndexes(KafkaTestBroker broker, Topic<String, RekorEntry> topic, String key) {
    List<Long> out = new java.util.ArrayList<>();
    Map<String, Object> c = broker.consumerConfig("unused");
    c.remove("group.id");
    c.put("isolation.level", "read_committed");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(c,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> tps = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (!key.equals(r.key())) continue;
          try {
            out.add(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()).getLogIndex());
          } catch (RuntimeException garbage) {
            // the test's own garbage
          }
        }
      }
    }
    return out;
  }

  @Test
  void failureBackoffIsExponentialAndCapped() {
    for (int attempt = 1; attempt <= 30; attempt++) {
      long want = Math.min(120_000, 1000L << Math.min(20, attempt - 1));
      long got = IngestPoller.FAILURE_BACKOFF.delay(attempt, null).toMillis();
      assertThat(got).as("attempt %d", attempt).isBetween(want / 2, want);
    }
  }
}
