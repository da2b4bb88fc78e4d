package dev.sigwatch.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.deploy.TopicContents;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile log serves reaches every stage, end to end on the simulator with {@code sigwatch run}'s pipeline
 * (embedded SASL broker, ingest, verify, match) — issue 18:
 * <ul>
 *   <li>a CT entry served with garbage {@code extra_data} (which the tree does not cover): its leaf is published,
 *       audited (verify's AUDITED covers it) and matched (IDENTITY_MATCH from the leaf's TBS), and the anomaly is
 *       reported (CT_EXTRA_DATA_MISMATCH, and ingest's DLQ note);</li>
 *   <li>a forged, unsigned Rekor v2 checkpoint claiming a huge tree: ignored by ingest (it fetches nothing past the
 *       real tree), reported with an alert (UNKNOWN_KEY: no trusted key signed it), and the log goes on (its next
 *       entry is audited and matched).</li>
 * </ul>
 */
class HostileLogIT {
  static final Identity ALICE = Identity.email("alice@acme.example", "https://accounts.google.com");

  @TempDir
  Path dir;

  @Test
  void garbageExtraDataIsAuditedMatchedAndReportedAndAForgedCheckpointIsAnAlertNotAStop() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      sim.grow(20);
      sim.addIdentity(ALICE); // logged to CT (and both Rekors): its extra_data garbled below
      long garbled = sim.ct().tree().size() - 1;
      sim.ct().garbleExtraData(garbled, "garbage, not a TLS structure".getBytes(StandardCharsets.US_ASCII));
      sim.grow(5);
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      Path out = dir.resolve("alerts.jsonl");
      SigwatchConfig cfg = new SigwatchConfig(dir.resolve("data"), new KafkaSettings(null, null, null, null, null),
          trustedRoot, null, List.of(new LogSettings("ct", sim.ctUrl(), null, null),
              new LogSettings("rekor-v2", sim.rekorV2Url(), null, null)),
          new AlertSettings(out), new MetricsSettings(0, null), null, new IngestConfigSection(300L, 4, 1000.0, "0"),
          new MonitoredValues(List.of(new MonitoredValues.CertIdentity("^alice@acme\\.example$", List.of())), null,
              null, null, null, null), ApiConfigSection.DISABLED, null);
      AtomicReference<Pipeline> started = new AtomicReference<>();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          Pipeline.runUntilStopped(cfg, "hostile-it", Duration.ofMinutes(8), started::set);
        } catch (Throwable e) {
          failed.set(e);
        }
      }, "hostile-it");
      t.start();
      try {
        // The embedded broker alone took 90 s to start at load 40.
        await().atMost(Duration.ofMinutes(4)).until(() -> started.get() != null || failed.get() != null);
        assertThat(failed.get()).isNull();
        Pipeline p = started.get();
        String ct = p.logs().stream().filter(l -> l.url().toString().equals(sim.ctUrl())).findFirst().orElseThrow()
            .withoutScheme();

        // The CT leaf: matched from the leaf, the anomaly reported, audited, and noted by ingest.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
            has(out, a -> is(a, "IDENTITY_MATCH", ct, garbled)) && has(out, a -> is(a, "CT_EXTRA_DATA_MISMATCH", ct, garbled)));
        assertThat(CorrelationIT.read(out)).filteredOn(a -> is(a, "CT_EXTRA_DATA_MISMATCH", ct, garbled)).singleElement()
            .satisfies(a -> assertThat(a.path("summary").asText()).contains("extra_data cannot be read"));
        assertThat(CorrelationIT.read(out)).filteredOn(a -> a.path("logId").asText().equals(ct))
            .noneSatisfy(a -> assertThat(a.path("type").asText()).isEqualTo("MALFORMED_ENTRY"));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
            audited(p, ct) > garbled);
        assertThat(readAll(p, p.kafka().topics().dlq())).anySatisfy(r -> {
          assertThat(r.getLogId()).isEqualTo(ct);
          assertThat(r.getLogIndex()).isEqualTo(garbled);
        });

        // The forged Rekor v2 checkpoint: an alert; the real log goes on.
        String v2 = p.logs().stream().filter(l -> l.url().toString().equals(sim.rekorV2Url())).findFirst()
            .orElseThrow().withoutScheme();
        long before = sim.rekorV2().publishedSize();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> audited(p, v2) >= before);
        sim.rekorV2().forged(1L << 40);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
            .until(() -> has(out, a -> a.path("type").asText().equals("UNKNOWN_KEY")));
        sim.addIdentity(ALICE); // the real log signs again, with alice's next signature in it
        long next = sim.rekorV2().publishedSize() - 1;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
            has(out, a -> a.path("type").asText().equals("IDENTITY_MATCH") && a.path("logIndex").asLong() == next
                && !a.path("logId").asText().equals(ct)) && audited(p, v2) > next);
        assertThat(audited(p, v2)).as("audited up to the real tree, never towards the forged size")
            .isLessThan(1L << 40);
      } finally {
        Pipeline p = started.get();
        if (p != null) p.stop();
        t.join(Duration.ofMinutes(1).toMillis());
      }
    }
  }

  private static boolean is(JsonNode a, String type, String logId, long index) {
    return a.path("type").asText().equals(type) && a.path("logId").asText().equals(logId)
        && a.path("logIndex").asLong() == index;
  }

  private static boolean has(Path out, Predicate<JsonNode> p) throws Exception {
    return CorrelationIT.read(out).stream().anyMatch(p);
  }

  /** The largest tree size verify reported AUDITED for {@code logId} (0 if none yet). */
  private static long audited(Pipeline p, String logId) {
    return readAll(p, p.kafka().topics().logEvents()).stream()
        .filter(e -> e.getLogId().equals(logId) && e.getType().equals("AUDITED") && e.getTreeSize() != null)
        .mapToLong(LogEvent::getTreeSize).max().orElse(0);
  }

  /** Every committed value of {@code topic}, read with the pipeline's own (SASL) client settings. */
  private static <V> List<V> readAll(Pipeline p, Topic<String, V> topic) {
    return TopicContents.readAll(p.kafka().clientProperties(), topic);
  }
}
