package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.TopicReader;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing unsigned steers ingest (issue 18): a forged Rekor v2 checkpoint (signed by a key nobody trusts) claiming a
 * huge size is published as evidence for verify's signature check and noted in the DLQ, but it neither becomes the
 * tree entries are authenticated against nor the end ingest fetches to: when the real log grows, ingest goes on.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ForgedCheckpointIT {

  @Test
  void aForgedHugeCheckpointIsReportedAndIngestGoesOn(KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix("forged-" + UUID.randomUUID() + ".");
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    long huge = 1L << 40;
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      String origin = dev.sigwatch.ingest.LogTarget.of("rekor-v2", sim.rekorV2Url()).withoutScheme();
      try (TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), origin);
          TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), origin);
          TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:")) {
        sim.grow(300);
        IngestService service = new IngestService(TiledIngestIT.settings("rekor-v2", sim.rekorV2Url()),
            Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
        try {
          long first = sim.rekorV2().publishedSize();
          await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= first);
          sim.rekorV2().forged(huge);
          await().atMost(Duration.ofSeconds(60)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == huge));
          await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().stream()
              .anyMatch(r -> r.value().getReason().startsWith("checkpoint size " + huge + " is not proven consistent")));
          sim.grow(400); // the real log grows and signs again
          long want = sim.rekorV2().publishedSize();
          await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= want);
          await().atMost(Duration.ofSeconds(30)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == want && r.value().getProofFromSize() != null));
          // The next real checkpoint's proof is from the last real one, not from the forged size.
          Checkpoint next = checkpoints.values().stream().filter(c -> c.getTreeSize() == want).findFirst().orElseThrow();
          assertThat(next.getProofFromSize()).isEqualTo(first);
          assertThat(service.healthy()).isTrue();
        } finally {
          service.close();
        }
        entries.poll();
        assertThat(entries.values()).extracting(RekorEntry::getLogIndex)
            .isEqualTo(TiledIngestIT.range(0, sim.rekorV2().publishedSize()));
      }
    }
  }
}
