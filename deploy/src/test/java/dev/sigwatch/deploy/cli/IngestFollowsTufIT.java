package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.broker.EmbeddedKafkaBroker;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.TrustConfigSection;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import dev.sigwatch.testkit.tuf.LocalTufRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sigwatch ingest} alone follows the trust state as {@code run} does: started with a TUF repository whose root
 * lists only Rekor v1 (read from its end), it reads a Rekor v2 log that TUF publishes later from index 0, without a
 * restart.
 */
class IngestFollowsTufIT {
  @TempDir
  Path dir;

  @Test
  void aLogPublishedThroughTufIsReadFromIndexZeroWithoutRestart() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      sim.grow(25);
      try (LocalTufRepository tuf = LocalTufRepository.start(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, false)))) {
        SigwatchConfig cfg = new SigwatchConfig(dir.resolve("data"), new KafkaSettings(null, null, null, null, null),
            null, null, List.of(), new AlertSettings(dir.resolve("alerts.jsonl")), new MetricsSettings(0, null), null,
            new IngestConfigSection(300L, 2, 1000.0, "end"), null, ApiConfigSection.DISABLED, null,
            new TrustConfigSection(new TrustConfigSection.Tuf(null, tuf.mirror(),
                tuf.writeInitialRoot(dir.resolve("tuf-root.json"))), "PT2S", "PT1H", null, null));
        AtomicReference<Lifecycle> started = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
          try {
            new IngestCommand().run(cfg, started::set);
          } catch (Throwable e) {
            failed.set(e);
          }
        }, "ingest-follows-tuf-it");
        t.start();
        try {
          await().atMost(Duration.ofMinutes(2)).until(() -> failed.get() != null || started.get() != null);
          assertThat(failed.get()).isNull();
          String v2 = sim.rekorV2Url().replaceFirst("^https?://", "");
          long size = sim.rekorV2().publishedSize();
          assertThat(size).isPositive();

          tuf.publish(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, true)));
          Map<String, Object> client = new HashMap<>(EmbeddedKafkaBroker.clientSettings(dir.resolve("data/kafka"))
              .orElseThrow());
          Topic<String, RekorEntry> entries = Topics.create(SerdeConfig.embedded()).rekorEntries();
          client.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
          client.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
          client.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
          Set<Long> read = new TreeSet<>();
          try (KafkaConsumer<String, RekorEntry> c = new KafkaConsumer<>(client, entries.keySerde().deserializer(),
              entries.valueSerde().deserializer())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> !c.partitionsFor(entries.name()).isEmpty());
            List<TopicPartition> parts = c.partitionsFor(entries.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
              assertThat(failed.get()).isNull();
              c.poll(Duration.ofMillis(500)).forEach(r -> {
                if (r.value().getLogId().equals(v2)) read.add(r.value().getLeafIndex());
              });
              assertThat(read).as("the Rekor v2 log TUF published, from index 0")
                  .containsAll(LongStream.range(0, size).boxed().toList());
            });
          }
        } finally {
          Lifecycle life = started.get();
          if (life != null) life.requestStop();
          t.join(Duration.ofMinutes(1).toMillis());
        }
      }
    }
  }

  /** The simulator's root: Rekor v1, and Rekor v2 when {@code withV2}. */
  static byte[] root(SigstoreSimulator sim, boolean withV2) {
    TrustedRootWriter w = new TrustedRootWriter();
    w.tlog(sim.rekorV1Url(), sim.rekorV1().key().spki(), "PKIX_ECDSA_P256_SHA_256", sim.rekorV1().key().logId(),
        sim.trustStart());
    if (withV2) {
      w.tlog(sim.rekorV2Url(), sim.rekorV2().key().spki(), "PKIX_ED25519", sim.rekorV2().logId(), sim.trustStart());
    }
    return w.toJson();
  }
}
