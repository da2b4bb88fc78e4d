package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a separate ingest process mid-stream, twice; the restarted process finishes with no gap and no duplicate. */
@ExtendWith(KafkaBrokerExtension.class)
class KillNineIT {
  @TempDir Path tmp;

  @Test
  void killedProcessResumesWithNoGapAndNoDuplicate(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    String host = "rekor-kill-" + UUID.randomUUID().toString().substring(0, 8);
    int total = 4000;
    try (RekorV1Sim sim = new RekorV1Sim(host, 8);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ")) {
      sim.grow(total);
      for (int killAt : new int[] {800, 2000}) {
        Process p = child(broker, sim, tmp.resolve("child-" + killAt + ".log"));
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= killAt);
        } finally {
          p.destroyForcibly().waitFor();
        }
        assertThat(entries.poll().size()).as("killed mid-stream").isLessThan(total);
      }
      Process last = child(broker, sim, tmp.resolve("child-last.log"));
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> entries.poll().size() >= total);
      } finally {
        last.destroyForcibly().waitFor();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), total);
    }
  }

  private static Process child(KafkaTestBroker broker, RekorV1Sim sim, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // 200 requests/s × 10 entries: about 2,000 entries/s, so that the kills land mid-stream.
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        IngestChildMain.class.getName(), broker.bootstrapServers(), sim.url(), "200"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
