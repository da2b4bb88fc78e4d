package dev.sigwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.ShardState;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rekor v1 incidents of the simulator, through ingest on the real broker: what ingest publishes for each. */
@ExtendWith(KafkaBrokerExtension.class)
class RekorV1IncidentIT {

  static IngestService ingest(KafkaTestBroker broker, Topics topics, SigstoreSimulator sim, IngestMetrics metrics) {
    IngestSettings s = IngestSettings.defaults(List.of(LogTarget.of("rekor-v1", sim.rekorV1Url())))
        .withStartMode(new StartMode.AtIndex(0)).withPollInterval(Duration.ofMillis(200))
        .withRate(Double.POSITIVE_INFINITY).withInFlight(4).withRetry(new RetryPolicy(3, Duration.ofMillis(1),
            Duration.ofMillis(5)));
    return new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics).start();
  }

  @Test
  void aChangedFrozenShardIsPublishedRawAndTheActiveShardKeepsFlowingAlsoAfterARestart(KafkaTestBroker broker)
      throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    String host = "rekor-incident-" + java.util.UUID.randomUUID().toString().substring(0, 8); // its checkpoints' origin
    try (SigstoreSimulator sim = SigstoreSimulator.builder().threads(2).rekorV1Hostname(host).build().start();
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), host + " - ")) {
      sim.grow(200);
      sim.trigger(Incident.SHARD_ROTATION);
      sim.grow(20);
      String frozenId = sim.rekorV1().inactive().get(0).treeId() + "";
      IngestService service = ingest(broker, topics, sim, IngestMetrics.unregistered());
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 220);
        sim.trigger(Incident.FROZEN_SHARD_CHANGE); // the frozen shard now claims 201 entries
        sim.grow(30);
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 250);
        await().atMost(Duration.ofSeconds(10)).until(() -> frozenHeads(checkpoints.poll().stream()
            .map(r -> r.value()).toList(), frozenId).size() == 2);
        assertThat(service.healthy()).isTrue();
      } finally {
        service.close();
      }
      // A restart recovers the frozen shard's final size (200) from its first INACTIVE checkpoint, not the changed one.
      sim.grow(10);
      IngestService again = ingest(broker, topics, sim, IngestMetrics.unregistered());
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 260);
      } finally {
        again.close();
      }
      entries.poll();
      RekorV1IngestIT.assertExactlyOnceInOrder(entries.values(), 260);
      assertThat(entries.values().stream().filter(e -> e.getTreeId().equals(frozenId)).count()).isEqualTo(200);
      List<Checkpoint> frozen = frozenHeads(checkpoints.poll().stream().map(r -> r.value()).toList(), frozenId);
      assertThat(frozen).extracting(Checkpoint::getTreeSize).containsExactly(200L, 201L);
      assertThat(frozen).extracting(Checkpoint::getShardOffset).containsExactly(0L, 0L);
      assertThat(frozen.get(1).getConsistencyProof()).isNullOrEmpty();
      Checkpoint active = checkpoints.values().get(checkpoints.values().size() - 1);
      assertThat(active.getShardState()).isEqualTo(ShardState.ACTIVE);
      assertThat(active.getShardOffset()).isEqualTo(200);
      assertThat(active.getTreeSize()).isEqualTo(60);
    }
  }

  static List<Checkpoint> frozenHeads(List<Checkpoint> all, String treeId) {
    return all.stream().filter(c -> c.getShardState() == ShardState.INACTIVE && c.getTreeId().equals(treeId)).toList();
  }

  @Test
  void aTamperedEntryIsPublishedAsServedAndNotedInTheDlq(KafkaTestBroker broker) throws Exception {
    Topics topics = RekorV1IngestIT.topics(broker);
    IngestMetrics metrics = IngestMetrics.unregistered();
    String host = "rekor-incident-" + java.util.UUID.randomUUID().toString().substring(0, 8); // its checkpoints' origin
    try (SigstoreSimulator sim = SigstoreSimulator.builder().threads(2).rekorV1Hostname(host).build().start();
        TopicReader<RekorEntry> entries = new TopicReader<>(broker, topics.rekorEntries(), host + " - ");
        TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:" + host + " - ")) {
      sim.grow(50);
      sim.trigger(Incident.TAMPERED_ENTRY); // index 49 is served with another body under its UUID
      IngestService service = ingest(broker, topics, sim, metrics);
      String name;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 50 && !dlq.poll().isEmpty());
        sim.grow(10);
        await().atMost(Duration.ofSeconds(30)).until(() -> entries.poll().size() >= 60);
        name = service.positions().keySet().iterator().next();
      } finally {
        service.close();
      }
      List<RekorEntry> got = entries.values();
      assertThat(got).extracting(RekorEntry::getLogIndex).containsExactlyElementsOf(RekorV1IngestIT.range(0, 60));
      RekorEntry tampered = got.get(49);
      String leaf = HexFormat.of().formatHex(Rfc6962.leafHash(RekorV1IngestIT.bytes(tampered.getBody())));
      assertThat(tampered.getUuid()).doesNotEndWith(leaf);
      for (RekorEntry e : got) {
        if (e != tampered) assertThat(e.getUuid()).endsWith(HexFormat.of().formatHex(Rfc6962.leafHash(RekorV1IngestIT.bytes(e.getBody()))));
      }
      List<RejectedRecord> notes = dlq.poll().stream().map(r -> r.value()).filter(r -> r.getLogIndex() != null).toList();
      assertThat(notes).hasSize(1);
      String uuidLeaf = tampered.getUuid().substring(tampered.getUuid().length() - 64);
      assertThat(notes.get(0).getLogIndex()).isEqualTo(49);
      assertThat(notes.get(0).getReason()).isEqualTo("logIndex 49: body hashes to leaf " + leaf
          + ", but its UUID names leaf " + uuidLeaf + " (UUID " + tampered.getUuid() + ")");
      assertThat(metrics.mismatched(name)).isEqualTo(1);
      assertThat(metrics.rejected(name)).isZero();
      assertThat(metrics.entries(name)).isEqualTo(60);
    }
  }
}
