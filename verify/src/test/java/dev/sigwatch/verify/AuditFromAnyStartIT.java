package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full audit from any start, on the real broker against the simulator (its real-world conventions: a Rekor v1
 * hostname unlike the URL's host, a Rekor v2 URL with a port and a path, entries 120 days older than the clock):
 * ingest with {@code startAt: end} on Rekor v1, Rekor v2, static-ct and RFC 6962 CT; verify starts each log's audit at
 * its first checkpoint (Rekor v1 from the first entry's inclusion proof, the others from the frontier ingest publishes
 * with the checkpoint), proves an entry tampered afterwards (TAMPERED_ENTRIES on each family) and goes on auditing
 * after it; a second RFC 6962 log whose entry stream has a gap (an entry the log serves unreadable) is audited past it
 * to its newest checkpoint, with an ENTRY_GAP and no tamper claim.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AuditFromAnyStartIT {


  @TempDir Path stateDir;
  final Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(KafkaTestBroker.uniqueName("audit-start") + ".");
  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  final Map<String, Long> newestCheckpoint = new ConcurrentHashMap<>();
  final Map<String, Long> firstCheckpoint = new ConcurrentHashMap<>();

  static String id(String url) {
    return url.substring(url.indexOf("://") + 3);
  }

  static String rekorV1(SigstoreSimulator sim) {
    return sim.rekorV1().origin(sim.rekorV1().active());
  }

  void poll(KafkaConsumer<String, byte[]> c) {
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
      if (r.topic().equals(topics.alerts().name())) {
        alerts.add(topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else if (r.topic().equals(topics.logEvents().name())) {
        events.add(topics.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else {
        Checkpoint cp = topics.checkpoints().valueSerde().deserializer().deserialize(r.topic(), r.value());
        firstCheckpoint.putIfAbsent(cp.getLogId(), cp.getTreeSize());
        newestCheckpoint.merge(cp.getLogId(), cp.getTreeSize(), Math::max);
      }
    }
  }

  List<Alert> alertsOf(String logId) {
    return alerts.stream().filter(a -> a.getLogId().equals(logId)).toList();
  }

  List<LogEvent> audited(String logId) {
    return events.stream().filter(e -> e.getLogId().equals(logId) && e.getType().equals("AUDITED")).toList();
  }

  /** Grows the simulators once and waits until ingest has published each log's new head. */
  void grow(KafkaConsumer<String, byte[]> out, List<SigstoreSimulator> sims, Map<String, LongSupplier> sizes) {
    for (SigstoreSimulator s : sims) s.grow(7);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      poll(out);
      sizes.forEach((log, size) -> assertThat(newestCheckpoint.getOrDefault(log, -1L)).as(log)
          .isEqualTo(size.getAsLong()));
    });
  }

  @Test
  void startAtEndAuditsEveryFamilyFromItsFirstCheckpointProvesALaterTamperAndAuditsPastAGap(KafkaTestBroker broker)
      throws Exception {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, topics.all());
    }
    try (SigstoreSimulator sim = SigstoreSimulator.builder().threads(2).build().start();
        SigstoreSimulator gappy = SigstoreSimulator.builder().threads(2).build().start()) {
      List<SigstoreSimulator> sims = List.of(sim, gappy);
      for (int i = 0; i < 3; i++) for (SigstoreSimulator s : sims) s.grow(20);
      String v1 = rekorV1(sim);
      String v2 = id(sim.rekorV2Url());
      String ct = id(sim.ctUrl());
      String staticCt = id(sim.staticCtUrl());
      String gapCt = id(gappy.ctUrl());
      assertThat(v1).as("the Rekor v1 hostname is not the URL's host").doesNotContain(id(sim.rekorV1Url()).split(":")[0]);
      Map<String, LongSupplier> sizes = new LinkedHashMap<>();
      sizes.put(v1, () -> sim.rekorV1().active().head().size());
      sizes.put(v2, () -> sim.rekorV2().publishedSize());
      sizes.put(ct, () -> sim.ct().sth().size());
      sizes.put(staticCt, () -> sim.staticCt().sth().size());
      sizes.put(gapCt, () -> gappy.ct().sth().size());
      Map<String, Long> start = new HashMap<>();
      Map<String, Long> tampered = new LinkedHashMap<>();
      long gap;
      sizes.forEach((log, size) -> start.put(log, size.getAsLong()));

      List<LogTarget> targets = List.of(LogTarget.of("rekor-v1", sim.rekorV1Url()),
          LogTarget.of("rekor-v2", sim.rekorV2Url()), LogTarget.of("ct", sim.ctUrl()),
          LogTarget.of("static-ct", sim.staticCtUrl()), LogTarget.of("ct", gappy.ctUrl()));
      IngestSettings settings = IngestSettings.defaults(targets) // startAt: end
          .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(4)
          .withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
      Map<String, Object> props = new HashMap<>();
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
      VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(sims), null, Duration.ofHours(1), null,
          KafkaTestBroker.uniqueName("verify-audit-start"));
      try (KafkaConsumer<String, byte[]> out = new KafkaConsumer<>(
              broker.consumerConfig(KafkaTestBroker.uniqueName("audit-start-it")), new StringDeserializer(),
              new ByteArrayDeserializer());
          IngestService ingest = new IngestService(settings, Map.of("bootstrap.servers", broker.bootstrapServers()),
              topics, IngestMetrics.unregistered()).start();
          VerifyService verify = new VerifyService(vs, props, topics)) {
        out.subscribe(List.of(topics.alerts().name(), topics.logEvents().name(), topics.checkpoints().name()));
        verify.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          poll(out);
          assertThat(firstCheckpoint).containsAllEntriesOf(start);
        });

        // Phase 1: each log is audited from its first checkpoint, nothing read before it.
        for (int i = 0; i < 2; i++) grow(out, sims, sizes);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          poll(out);
          for (String log : sizes.keySet()) {
            assertThat(audited(log)).as(log).isNotEmpty();
            assertThat(audited(log).get(0).getDetail()).as(log).containsEntry("from", Long.toString(start.get(log)));
          }
        });
        assertThat(alerts).isEmpty();

        // Phase 2: the next entry of each of sim's logs is served tampered; the gappy log serves its next unreadable.
        tampered.put(v1, sim.rekorV1().active().offset() + sim.rekorV1().active().tree().size());
        tampered.put(v2, sim.rekorV2().tree().size());
        tampered.put(ct, sim.ct().tree().size());
        tampered.put(staticCt, sim.staticCt().tree().size());
        sim.rekorV1().tamper(tampered.get(v1));
        sim.rekorV2().tamper(tampered.get(v2));
        sim.ct().tamper(tampered.get(ct));
        sim.staticCt().tamper(tampered.get(staticCt));
        gap = gappy.ct().tree().size();
        gappy.ct().garble(gap);
        for (int i = 0; i < 5; i++) grow(out, sims, sizes);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          poll(out);
          for (String log : tampered.keySet()) {
            assertThat(alertsOf(log)).as(log).extracting(Alert::getType).contains(Findings.TAMPERED_ENTRIES);
            // the audit goes on after the tamper
            assertThat(audited(log)).as(log).anySatisfy(e -> assertThat(e.getTreeSize()).isGreaterThan(tampered.get(log) + 1));
          }
          assertThat(alertsOf(gapCt)).extracting(Alert::getType).contains(Findings.ENTRY_GAP);
          assertThat(audited(gapCt)).as("audited to the newest checkpoint after the gap")
              .anySatisfy(e -> assertThat(e.getTreeSize()).isEqualTo(gappy.ct().sth().size()));
        });
      }
      // Exactly the facts staged, with their evidence; nothing else.
      for (Map.Entry<String, Long> t : tampered.entrySet()) {
        List<Alert> got = alertsOf(t.getKey());
        assertThat(got).as(t.getKey()).extracting(Alert::getType).containsExactly(Findings.TAMPERED_ENTRIES);
        Map<String, String> ev = got.get(0).getEvidence();
        assertThat(Long.parseLong(ev.get("rangeStart"))).as(t.getKey()).isLessThanOrEqualTo(t.getValue());
        assertThat(Long.parseLong(ev.get("rangeEnd"))).as(t.getKey()).isGreaterThan(t.getValue());
        assertThat(ev.get("signedRoot")).as(t.getKey()).isNotEqualTo(ev.get("computedRoot"));
        assertThat(ev.get("checkpoint")).as(t.getKey()).isNotBlank();
      }
      assertThat(alertsOf(gapCt)).extracting(Alert::getType).containsExactly(Findings.ENTRY_GAP);
      assertThat(alertsOf(gapCt).get(0).getEvidence()).containsEntry("expectedIndex", Long.toString(gap))
          .containsEntry("receivedIndex", Long.toString(gap + 1));
    }
  }
}
