package dev.sigwatch.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.TrustConfigSection;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import dev.sigwatch.testkit.tuf.LocalTufRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sigwatch follows a TUF repository while it runs (the "Must show"): a real signed TUF repository on loopback
 * ({@link LocalTufRepository}) distributes the simulator's trusted root, both signing configs and a monitor config. No
 * {@code logs:} and no {@code trustedRoot} are configured: everything sigwatch reads comes from TUF. While it runs,
 * the repository rotates its own root and publishes a Rekor v1 key rotation and a new Rekor v2 shard
 * ({@code log2026-1}, whose write URL does not serve reads; the monitor config gives its read URL). Then the log
 * rotates its key. sigwatch must raise TRUST_CHANGED alerts, verify checkpoints of the new key (no UNKNOWN_KEY), read
 * the new shard from index 0 (its full audit from 0 reaches a size it had before sigwatch learned of it), all without
 * a restart; and when the TUF server goes away, keep the last good state and raise one HEALTH alert.
 */
class LiveTrustIT {
  @TempDir
  Path dir;

  @Test
  void followsRotationsAndNewShardsThroughTufWithoutRestartAndSurvivesTheServerGoingAway() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).entriesPerSecond(20).build().start()) {
      Instant start = sim.trustStart();
      SimKey firstV1 = sim.rekorV1().key();
      String ca = sim.baseUrl() + "/fulcio";
      Map<String, byte[]> initial = Map.of(
          TrustDiff.TRUSTED_ROOT, root(sim, sim.rekorV1().key(), start, null, null, null),
          TrustDiff.SIGNING_CONFIG, TrustedRootWriter.signingConfig(ca, sim.rekorV1Url(), null, start),
          TrustDiff.SIGNING_CONFIG_REKOR_V2, TrustedRootWriter.signingConfig(ca, sim.rekorV1Url(), sim.rekorV2Url(), start));
      try (LocalTufRepository tuf = LocalTufRepository.start(initial)) {
        Path out = dir.resolve("alerts.jsonl");
        SigwatchConfig cfg = new SigwatchConfig(dir.resolve("data"), new KafkaSettings(null, null, null, null, null),
            null, null, List.of(), new AlertSettings(out), new MetricsSettings(0, null), null,
            new IngestConfigSection(300L, 2, 1000.0, "0"), null, ApiConfigSection.DISABLED, null,
            new TrustConfigSection(new TrustConfigSection.Tuf(null, tuf.mirror(),
                tuf.writeInitialRoot(dir.resolve("tuf-root.json"))), "PT2S", "PT8S", null, null));
        AtomicReference<Pipeline> started = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
          try {
            Pipeline.runUntilStopped(cfg, "live-trust-it", Duration.ofMinutes(8), started::set);
          } catch (Throwable e) {
            failed.set(e);
          }
        }, "live-trust-it");
        t.start();
        try {
          await().atMost(Duration.ofMinutes(2)).until(() -> failed.get() != null || started.get() != null);
          assertThat(failed.get()).isNull();
          Pipeline p = started.get();
          assertThat(p.logs()).extracting(l -> l.url().toString())
              .containsExactlyInAnyOrder(sim.rekorV1Url(), sim.rekorV2Url(), sim.ctUrl());
          Events events = new Events(p);
          String oldTree = "" + sim.rekorV1().active().treeId();
          await().atMost(Duration.ofMinutes(3)).until(() -> events.verified(sim.rekorV1().origin(sim.rekorV1().active())) > 0);

          // The rollover, announced through TUF: a new Rekor v1 key (the old one ends now) and the 2026 v2 shard, whose
          // trusted-root URL is a write URL that serves no reads; the monitor config says where to read it.
          RekorV2Log shard = sim.addRekorV2Shard("rekor2-2026", "log2026-1.sim.internal");
          sim.grow(30);
          long sizeBeforeAnnounced = shard.publishedSize();
          SimKey nextV1 = SimKey.generate(SimKey.Alg.ECDSA_P256);
          // Announced ahead, as Sigstore does: the new key is valid from now, the old one until a little after the log
          // switches (so the old key's last checkpoints, read before the switch, are still in its validity).
          Instant rotation = Instant.now().plus(Duration.ofMinutes(2));
          String shardRead = sim.baseUrl() + "/rekor2-2026";
          tuf.rotateRoot();
          tuf.publish(Map.of(
              TrustDiff.TRUSTED_ROOT, root(sim, firstV1, start, rotation, nextV1, shard),
              TrustDiff.SIGNING_CONFIG, initial.get(TrustDiff.SIGNING_CONFIG),
              TrustDiff.SIGNING_CONFIG_REKOR_V2, TrustedRootWriter.signingConfig(ca, sim.rekorV1Url(),
                  "https://log2026-1.sim.internal", start),
              TrustDiff.MONITOR_CONFIG, LocalTufRepository.utf8("{\"rekorLogs\":[{\"readUrl\":\"" + shardRead
                  + "\",\"logOrigin\":\"log2026-1.sim.internal\",\"majorApiVersion\":2}]}")));
          // Each change is its own alert: two keys added, one validity changed, the v2 signing config's shard replaced
          // (the old URL removed, the 2026 one added), a read URL added.
          await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(alerts(out, "TRUST_CHANGED")).extracting(a -> a.path("evidence").path("document").asText()
                  + " " + a.path("evidence").path("item").asText() + " " + a.path("evidence").path("change").asText())
                  .containsExactlyInAnyOrder("trusted_root.json tlog ADDED", "trusted_root.json tlog ADDED",
                      "trusted_root.json tlog CHANGED", "signing_config_rekor_v2.v0.2.json rekorTlogUrl REMOVED",
                      "signing_config_rekor_v2.v0.2.json rekorTlogUrl ADDED", "monitor_config.json rekorLog ADDED"));
          List<JsonNode> changed = alerts(out, "TRUST_CHANGED");
          assertThat(changed).allSatisfy(a -> assertThat(a.path("evidence").has("before")).isTrue());

          // The log starts signing with the new key only now, as Sigstore does after publishing it.
          sim.rekorV1().rotateKey(nextV1);
          sim.grow(10);
          String newV1 = sim.rekorV1().origin(sim.rekorV1().active());
          assertThat(newV1).doesNotContain(oldTree);
          String shardLogId = shardRead.replaceFirst("^https?://", "");
          await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(failed.get()).isNull();
            assertThat(events.verified(newV1)).as("checkpoints of the rotated key verify").isGreaterThan(0);
            assertThat(events.audited(shardLogId)).as("the new shard, read and audited from index 0")
                .isGreaterThanOrEqualTo(sizeBeforeAnnounced);
          });
          assertThat(alerts(out, "UNKNOWN_KEY")).isEmpty();

          // The TUF server goes away: the last good state stays (new-key checkpoints keep verifying), one HEALTH alert.
          tuf.stop();
          await().atMost(Duration.ofMinutes(1)).until(() -> alerts(out, "HEALTH").stream()
              .anyMatch(a -> a.path("summary").asText().contains("cannot be refreshed from TUF repository")));
          assertThat(p.trust().root().tlogs()).hasSize(4);
          long verifiedSoFar = events.verified(newV1);
          sim.grow(10);
          await().atMost(Duration.ofMinutes(1)).until(() -> events.verified(newV1) > verifiedSoFar);
          assertThat(alerts(out, "HEALTH").stream()
              .filter(a -> a.path("summary").asText().contains("cannot be refreshed"))).hasSize(1);
          assertThat(alerts(out, "UNKNOWN_KEY")).isEmpty();
          events.close();
        } finally {
          Pipeline p = started.get();
          if (p != null) p.stop();
          t.join(Duration.ofMinutes(1).toMillis());
        }
      }
    }
  }

  /**
   * The simulator's trusted root: Rekor v1 (its first key, ending at {@code rotation} when a next key is given, which
   * starts a minute before), Rekor v2, the CT log, the CA, and the 2026 shard at its write URL when given.
   */
  static byte[] root(SigstoreSimulator sim, SimKey v1, Instant start, Instant rotation, SimKey nextV1,
                     RekorV2Log shard) {
    TrustedRootWriter w = new TrustedRootWriter();
    w.tlog(sim.rekorV1Url(), v1.spki(), "PKIX_ECDSA_P256_SHA_256", v1.logId(), start, rotation);
    if (nextV1 != null) {
      w.tlog(sim.rekorV1Url(), nextV1.spki(), "PKIX_ECDSA_P256_SHA_256", nextV1.logId(), Instant.now().minusSeconds(60));
    }
    w.tlog(sim.rekorV2Url(), sim.rekorV2().key().spki(), "PKIX_ED25519", sim.rekorV2().logId(), start);
    if (shard != null) {
      w.tlog("https://log2026-1.sim.internal", shard.key().spki(), "PKIX_ED25519", shard.logId(), start);
    }
    w.ca(sim.baseUrl() + "/fulcio", sim.ca().chain(), start);
    w.ctlog(sim.ctUrl(), sim.ct().key().spki(), sim.ct().key().logId(), start);
    return w.toJson();
  }

  static List<JsonNode> alerts(Path file, String type) throws Exception {
    return CorrelationIT.read(file).stream().filter(a -> a.path("type").asText().equals(type)).toList();
  }

  /** Every log event of the pipeline's broker, read from the start. */
  static final class Events implements AutoCloseable {
    private final KafkaConsumer<String, LogEvent> consumer;
    private final List<LogEvent> seen = new CopyOnWriteArrayList<>();

    Events(Pipeline p) {
      Topic<String, LogEvent> topic = p.kafka().topics().logEvents();
      Map<String, Object> props = new HashMap<>(p.kafka().clientProperties());
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    private synchronized void poll() {
      for (ConsumerRecord<String, LogEvent> r : consumer.poll(Duration.ofMillis(200))) seen.add(r.value());
    }

    /** How many CHECKPOINT_VERIFIED events {@code logId} has had. */
    long verified(String logId) {
      poll();
      return seen.stream().filter(e -> e.getType().equals("CHECKPOINT_VERIFIED") && e.getLogId().equals(logId)).count();
    }

    /** The largest size {@code logId} was audited at (-1: never). */
    long audited(String logId) {
      poll();
      return seen.stream().filter(e -> e.getType().equals("AUDITED") && e.getLogId().equals(logId))
          .mapToLong(e -> e.getTreeSize() == null ? -1 : e.getTreeSize()).max().orElse(-1);
    }

    @Override
    public synchronized void close() {
      consumer.close();
    }
  }
}
