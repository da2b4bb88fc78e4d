package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record over Kafka's size limit must not wedge a log (issue 18): ten 4 MiB entries (a 10-entry retrieve answer of
 * ~55 MiB, over the 32 MiB response limit) and a 2 MiB entry, among normal ones. The big response is asked for again
 * one entry at a time; each big entry is published truncated with the leaf hash of what was served (so the audit
 * still covers it) and reported in the DLQ with evidence and a hash; the log goes on.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OversizedEntryIT {

  @Test
  void bigEntriesAndABigResponseAreReportedAndTheLogGoesOn(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "oversized-" + UUID.randomUUID() + ".");
    String host = "rekor-big-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:" + host)) {
      sim.grow(200);
      BodyTemplate fourMiB = BodyTemplate.of("big", "{\"pad\":\"" + "x".repeat(4 << 20) + "\",\"d\":\"", "\"}");
      BodyTemplate twoMiB = BodyTemplate.of("big", "{\"pad\":\"" + "y".repeat(2 << 20) + "\",\"d\":\"", "\"}");
      sim.log.appendBatch(10, i -> fourMiB, i -> RekorV1Sim.digest(1_000_000 + i)); // [200, 210): one batch
      sim.log.appendBatch(1, i -> twoMiB, i -> RekorV1Sim.digest(2_000_000 + i));   // 210
      sim.log.publish();
      sim.grow(89);                                                                  // [211, 300)
      IngestService service = new IngestService(RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0)),
          Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> entries.poll().size() >= 300);
        sim.grow(50); // and the log goes on
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 350);
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().stream()
            .filter(r -> r.value().getReason().contains("exceeds the Kafka record limit")).count() >= 11);
      } finally {
        service.close();
      }
      entries.poll();
      List<RekorEntry> got = entries.values();
      assertThat(got).extracting(RekorEntry::getLogIndex).isEqualTo(RekorV1IngestIT.range(0, 350)); // once, in order
      for (RekorEntry e : got) {
        boolean big = e.getLogIndex() >= 200 && e.getLogIndex() <= 210;
        assertThat(e.getServedBytes() != null).as("truncated %d", e.getLogIndex()).isEqualTo(big);
        if (!big) continue;
        byte[] served = e.getLogIndex() < 210 ? fourMiB.render(RekorV1Sim.digest(1_000_000 + e.getLogIndex() - 200))
            : twoMiB.render(RekorV1Sim.digest(2_000_000));
        assertThat(e.getServedBytes()).isEqualTo(served.length);
        assertThat(RekorV1IngestIT.bytes(e.getLeafHash())).isEqualTo(Rfc6962.leafHash(served));
        assertThat(e.getUuid()).endsWith(java.util.HexFormat.of().formatHex(Rfc6962.leafHash(served)));
        assertThat(e.getBody().remaining()).isEqualTo(Oversized.KEEP);
        assertThat(e.getRaw()).isNull();
      }
      List<RejectedRecord> notes = dlq.values().stream()
          .filter(r -> r.getReason().contains("exceeds the Kafka record limit")).toList();
      assertThat(notes).extracting(RejectedRecord::getLogIndex).containsExactlyElementsOf(RekorV1IngestIT.range(200, 211));
      assertThat(notes).allSatisfy(n -> {
        assertThat(n.getReason()).contains("leaf truncated to 65536 of").contains("SHA-256 of the served record ");
        assertThat(n.getValue().remaining()).isEqualTo(Oversized.KEEP);
      });
    }
  }

  /**
   * One entry whose own retrieve answer is over the response limit (a 5 MiB body, ~7 MiB of JSON, against a 4 MiB
   * limit: the same path as a 40 MiB answer against the default 32 MiB): it is read as a stream, published truncated
   * with the leaf hash of its full served body, noted in the DLQ with the answer's hash, and the log goes on. It is
   * neither retried forever nor skipped.
   */
  @Test
  void anEntryWhoseOwnAnswerIsOverTheResponseLimitIsStreamedReportedAndTheLogGoesOn(KafkaTestBroker broker)
      throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker, "streamed-" + UUID.randomUUID() + ".");
    String host = "rekor-huge-" + UUID.randomUUID().toString().substring(0, 8);
    try (RekorV1Sim sim = new RekorV1Sim(host, 4);
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:" + host)) {
      sim.grow(30);
      BodyTemplate fiveMiB = BodyTemplate.of("huge", "{\"pad\":\"" + "z".repeat(5 << 20) + "\",\"d\":\"", "\"}");
      sim.log.appendBatch(1, i -> fiveMiB, i -> RekorV1Sim.digest(3_000_000)); // 30
      sim.log.publish();
      sim.grow(19);                                                            // [31, 50)
      IngestSettings s = RekorV1IngestIT.settings(sim.url(), new StartMode.AtIndex(0));
      s = new IngestSettings(s.logs(), s.pollInterval(), s.inFlight(), s.requestsPerSecond(), s.startMode(), s.retry(),
          s.requestTimeout(), 4 << 20, s.commitEvery());
      IngestService service = new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics,
          IngestMetrics.unregistered()).start();
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> entries.poll().size() >= 50);
        sim.grow(10); // and the log goes on
        await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 60);
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().stream()
            .anyMatch(r -> r.value().getReason().contains("exceeds the response limit")));
      } finally {
        service.close();
      }
      entries.poll();
      assertThat(entries.values()).extracting(RekorEntry::getLogIndex).isEqualTo(RekorV1IngestIT.range(0, 60));
      byte[] served = fiveMiB.render(RekorV1Sim.digest(3_000_000));
      RekorEntry big = entries.values().get(30);
      assertThat(big.getServedBytes()).isEqualTo(served.length);
      assertThat(RekorV1IngestIT.bytes(big.getLeafHash())).isEqualTo(Rfc6962.leafHash(served));
      assertThat(big.getUuid()).endsWith(java.util.HexFormat.of().formatHex(Rfc6962.leafHash(served)));
      assertThat(big.getBody().remaining()).isEqualTo(64 * 1024);
      assertThat(big.getRaw()).isNull();
      assertThat(entries.values()).filteredOn(e -> e.getLogIndex() != 30).allSatisfy(e -> assertThat(e.getServedBytes()).isNull());
      List<RejectedRecord> notes = dlq.values().stream()
          .filter(r -> r.getReason().contains("exceeds the response limit")).toList();
      assertThat(notes).singleElement().satisfies(n -> {
        assertThat(n.getLogIndex()).isEqualTo(30L);
        assertThat(n.getReason()).contains("read as a stream").contains("truncated to 65536 of " + served.length)
            .contains("leaf hash " + java.util.HexFormat.of().formatHex(Rfc6962.leafHash(served)));
        assertThat(n.getValue().remaining()).isEqualTo(64 * 1024);
      });
    }
  }
}
