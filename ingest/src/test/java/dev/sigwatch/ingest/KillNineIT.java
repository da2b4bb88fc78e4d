package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ct.CtLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a separate ingest process mid-stream for every log family; the restarted process finishes with no gap and
 * no duplicate (a second kill proved nothing more: a restart resumes from the stored position either way). Each child is rate-limited so that the kills land mid-stream.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KillNineIT {
  @TempDir Path tmp;

  @Test
  void rekorV1(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    String host = "rekor-kill-" + UUID.randomUUID().toString().substring(0, 8);
    int total = 4000;
    try (RekorV1Sim sim = new RekorV1Sim(host, 8);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(total);
      // 200 requests/s × 10 entries: about 2,000 entries/s.
      killOnceThenFinish(broker, "rekor-v1", sim.url(), 200, total, 800, () -> entries.poll().size());
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), total);
    }
  }

  @Test
  void rekorV2(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      sim.pregenerate(3000); // 11 full entry bundles and a partial one
      int total = (int) sim.rekorV2().publishedSize();
      try (TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(),
          LogTarget.of("rekor-v2", sim.rekorV2Url()).withoutScheme())) {
        // 4 requests/s, a bundle of 256 entries (or a hash tile) each: about 1,000 entries/s.
        killOnceThenFinish(broker, "rekor-v2", sim.rekorV2Url(), 4, total, 700,
            () -> entries.poll().size());
        entries.poll();
        assertThat(entries.values()).extracting(RekorEntry::getLogIndex).isEqualTo(RekorV1IngestIT.range(0, total));
        for (RekorEntry e : entries.values()) {
          assertThat(bytes(e.getBody())).as("body %d", e.getLogIndex()).isEqualTo(sim.rekorV2().body(e.getLogIndex()));
        }
      }
    }
  }

  @Test
  void ct(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().ctMaxEntries(10).build().start()) {
      int total = logCertificates(sim, sim.ct(), 2000);
      String logId = LogTarget.of("ct", sim.ctUrl()).withoutScheme();
      try (TopicReader<CtEntry> entries = new TopicReader<>(broker, topics.ctEntries(), logId)) {
        // 100 get-entries requests/s, at most 10 entries each: about 1,000 entries/s.
        killOnceThenFinish(broker, "ct", sim.ctUrl(), 100, total, 500, () -> entries.poll().size());
        assertCtExactlyOnceInOrder(entries, sim.ct(), total);
      }
    }
  }

  @Test
  void staticCt(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      int total = logCertificates(sim, sim.staticCt(), 2000);
      String logId = LogTarget.of("static-ct", sim.staticCtUrl()).withoutScheme();
      try (TopicReader<CtEntry> entries = new TopicReader<>(broker, topics.ctEntries(), logId)) {
        // 4 requests/s, a data tile of 256 entries (or a hash tile) each: about 1,000 entries/s.
        killOnceThenFinish(broker, "static-ct", sim.staticCtUrl(), 4, total, 500,
            () -> entries.poll().size());
        assertCtExactlyOnceInOrder(entries, sim.staticCt(), total);
      }
    }
  }

  /** Starts a child, kills it (-9) once {@code count} reaches {@code killAt}, then lets a second one finish. */
  private void killOnceThenFinish(KafkaTestBroker broker, String family, String url, int requestsPerSecond, int total,
      int killAt, IntSupplier count) throws Exception {
    Process p = child(broker, family, url, requestsPerSecond, tmp.resolve("child-killed.log"));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> count.getAsInt() >= killAt);
    } finally {
      p.destroyForcibly().waitFor();
    }
    assertThat(count.getAsInt()).as("killed mid-stream").isLessThan(total);
    Process last = child(broker, family, url, requestsPerSecond, tmp.resolve("child-last.log"));
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> count.getAsInt() >= total);
    } finally {
      last.destroyForcibly().waitFor();
    }
  }

  private static Process child(KafkaTestBroker broker, String family, String url, int requestsPerSecond, Path log)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        IngestChildMain.class.getName(), broker.bootstrapServers(), family, url, Integer.toString(requestsPerSecond)))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Logs certificates to {@code log} until it holds {@code n} entries, publishes its head; returns its size. */
  private static int logCertificates(SigstoreSimulator sim, CtLog log, int n) {
    Instant now = Instant.now();
    for (long i = log.tree().size(); i < n; i++) {
      sim.ca().issue(Identity.email("dev" + i + "@example.com", Identity.GITHUB_ISSUER), now, List.of(log));
    }
    log.publish();
    return (int) log.tree().size();
  }

  private static void assertCtExactlyOnceInOrder(TopicReader<CtEntry> entries, CtLog log, int total) {
    entries.poll();
    assertThat(entries.values()).extracting(CtEntry::getIndex).isEqualTo(RekorV1IngestIT.range(0, total));
    for (CtEntry e : entries.values()) {
      assertThat(bytes(e.getLeafInput())).as("leaf %d", e.getIndex()).isEqualTo(log.entry(e.getIndex()).leafInput());
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
