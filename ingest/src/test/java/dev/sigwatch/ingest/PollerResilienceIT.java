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

  /** Delegates to a real source; throws on the 2nd poll, and on the first {@code fetchFailures} fetches of [500, 510). */
  static final class FlakySource implements LogSource {
    final LogSource real;
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger fetchFailures;

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
      if (polls.incrementAndGet() == 2) throw new IllegalArgumentException("bug while polling");
      return real.poll(lastPublished);
    }

    @Override public long batchEnd(long start, long limit) {
      return real.batchEnd(start, limit);
    }

    @Override public List<Fetched> fetch(long start, long end) throws IOException, InterruptedException {
      if (start == 500 && fetchFailures.getAndDecrement() > 0) throw new NullPointerException("bug while fetching");
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

  @Test
  void failureBackoffIsExponentialAndCapped() {
    for (int attempt = 1; attempt <= 30; attempt++) {
      long want = Math.min(120_000, 1000L << Math.min(20, attempt - 1));
      long got = IngestPoller.FAILURE_BACKOFF.delay(attempt, null).toMillis();
      assertThat(got).as("attempt %d", attempt).isBetween(want / 2, want);
    }
  }
}
