package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator → ingest → verify on the real broker: one Sigstore simulator per Rekor v1 incident (plus one honest
 * log), all ingested by one {@link IngestService} and verified by one {@link VerifyService}. Each incident must be
 * raised exactly once, on its own log, with its evidence; the honest log raises nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class VerifySimulatorIT {

  static final Topics TOPICS = Topics.create(SerdeConfig.embedded());
  static final java.util.Set<Incident> BEFORE_INGEST =
      java.util.EnumSet.of(Incident.BAD_SIGNATURE, Incident.UNKNOWN_KEY, Incident.TAMPERED_ENTRY);

  @TempDir Path stateDir;
  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();

  /**
   * Whether a Rekor v1 log id ({@code <hostname> - <tree ID>}) is one of this simulator's shards: every simulator's
   * server has the same hostname (unlike its URL, as on a real private instance), so the tree ID tells them apart.
   */
  static boolean owns(SigstoreSimulator sim, String logId) {
    return logId != null && sim.rekorV1().shards().stream().anyMatch(s -> logId.equals(sim.rekorV1().origin(s)));
  }

  static String name(SigstoreSimulator sim) {
    return sim.rekorV1Url();
  }

  void poll(KafkaConsumer<String, byte[]> c) {
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
      if (r.topic().equals(TOPICS.alerts().name())) {
        alerts.add(TOPICS.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else {
        events.add(TOPICS.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }

  List<Alert> alertsOf(SigstoreSimulator sim) {
    return alerts.stream().filter(a -> owns(sim, a.getLogId())).toList();
  }

  boolean hasEvent(SigstoreSimulator sim, String type) {
    return events.stream().anyMatch(e -> owns(sim, e.getLogId()) && e.getType().equals(type));
  }

  @Test
  void eachSimulatedIncidentIsDetectedExactlyOnceAndTheHonestLogRaisesNothing(KafkaTestBroker broker) throws Exception {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, TOPICS.all());
    }
    // incident → the alert type verify must raise (null: an expected event, no alert)
    Map<Incident, String> expected = new LinkedHashMap<>();
    expected.put(Incident.FORK, Findings.FORK);
    expected.put(Incident.SPLIT_VIEW, Findings.SPLIT_VIEW);
    expected.put(Incident.ROLLBACK, Findings.ROLLBACK);
    expected.put(Incident.BAD_SIGNATURE, Findings.BAD_SIGNATURE);
    expected.put(Incident.UNKNOWN_KEY, Findings.UNKNOWN_KEY);
    // ingest publishes a tampered entry as served (and notes it in the DLQ): the audit proves the root mismatch
    expected.put(Incident.TAMPERED_ENTRY, Findings.TAMPERED_ENTRIES);
    expected.put(Incident.SHARD_ROTATION, null);
    expected.put(Incident.FROZEN_SHARD_CHANGE, Findings.SHARD_CHANGED);
    Map<Incident, SigstoreSimulator> sims = new LinkedHashMap<>();
    List<SigstoreSimulator> all = new ArrayList<>();
    SigstoreSimulator honest = SigstoreSimulator.builder().threads(2).build().start();
    all.add(honest);
    for (Incident i : expected.keySet()) {
      SigstoreSimulator s = SigstoreSimulator.builder().threads(2).build().start();
      sims.put(i, s);
      all.add(s);
    }
    IngestService ingest = null;
    try (KafkaConsumer<String, byte[]> out = new KafkaConsumer<>(
        broker.consumerConfig(KafkaTestBroker.uniqueName("sim-it")), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      out.subscribe(List.of(TOPICS.alerts().name(), TOPICS.logEvents().name()));
      for (SigstoreSimulator s : all) s.grow(200);
      // Ingest publishes a head only when its size or root changes, and has read every entry it saw: incidents
      // on the head or the newest entry are staged before ingest starts, so they are what it reads first.
      for (Incident i : BEFORE_INGEST) sims.get(i).trigger(i);
      List<LogTarget> targets = all.stream().map(s -> LogTarget.of("rekor-v1", s.rekorV1Url())).toList();
      ingest = new IngestService(SimulatedPipeline.ingestSettings(targets),
          Map.of("bootstrap.servers", broker.bootstrapServers()), TOPICS, IngestMetrics.unregistered()).start();
      Map<String, Object> props = SimulatedPipeline.streamsProperties(broker, stateDir);
      VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(all), null, Duration.ofHours(1), null,
          KafkaTestBroker.uniqueName("verify-sim"));
      try (VerifyService verify = new VerifyService(vs, props, TOPICS)) {
        verify.start();
        // Phase 1: every log audited at its first checkpoint.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          poll(out);
          for (SigstoreSimulator s : all) {
            if (sims.entrySet().stream().noneMatch(e -> e.getValue() == s && BEFORE_INGEST.contains(e.getKey()))) {
              assertThat(hasEvent(s, "AUDITED")).as(name(s)).isTrue();
            }
          }
        });
        // Phase 2: the incidents (the frozen shard needs a rotation first).
        sims.get(Incident.FROZEN_SHARD_CHANGE).trigger(Incident.SHARD_ROTATION);
        for (SigstoreSimulator s : all) s.grow(20);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          poll(out);
          assertThat(hasEvent(sims.get(Incident.FROZEN_SHARD_CHANGE), "SHARD_ROTATED")).isTrue();
        });
        for (Map.Entry<Incident, SigstoreSimulator> e : sims.entrySet()) {
          if (!BEFORE_INGEST.contains(e.getKey())) e.getValue().trigger(e.getKey());
        }
        // The split view and the rollback live in the served head: growing those logs would publish an honest head
        // before ingest's next poll has seen the staged one.
        List<SigstoreSimulator> heldStill = List.of(sims.get(Incident.SPLIT_VIEW), sims.get(Incident.ROLLBACK));
        for (SigstoreSimulator s : all) if (!heldStill.contains(s)) s.grow(30);
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
          poll(out);
          for (Map.Entry<Incident, String> e : expected.entrySet()) {
            SigstoreSimulator s = sims.get(e.getKey());
            if (e.getValue() == null) {
              assertThat(hasEvent(s, "SHARD_ROTATED")).as(e.getKey().name()).isTrue();
            } else {
              assertThat(alertsOf(s)).as(e.getKey().name()).extracting(Alert::getType).contains(e.getValue());
            }
          }
        });
        // Phase 3: more growth and polls replay nothing: still exactly one alert per incident.
        for (SigstoreSimulator s : all) if (!heldStill.contains(s)) s.grow(10);
        long audited = events.stream().filter(e -> owns(honest, e.getLogId())).count();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          poll(out);
          assertThat(events.stream().filter(e -> owns(honest, e.getLogId())).count())
              .isGreaterThan(audited);
        });
      }
    } finally {
      if (ingest != null) ingest.close();
      for (SigstoreSimulator s : all) s.close();
    }
    assertThat(alertsOf(honest)).isEmpty();
    for (Map.Entry<Incident, String> e : expected.entrySet()) {
      List<Alert> got = alertsOf(sims.get(e.getKey()));
      if (e.getValue() == null) {
        assertThat(got).as(e.getKey().name()).isEmpty();
        continue;
      }
      List<String> types = got.stream().map(Alert::getType).toList();
      assertThat(types).as(e.getKey().name()).containsOnlyOnce(e.getValue()).doesNotHaveDuplicates()
          .isSubsetOf(consequences(e.getValue()));
      Alert primary = got.stream().filter(a -> a.getType().equals(e.getValue())).findFirst().orElseThrow();
      assertThat(primary.getEvidence()).as(e.getKey().name())
          .containsKey(e.getValue().equals(Findings.ENTRY_GAP) ? "expectedIndex" : "checkpoint");
    }
    Alert fork = alertsOf(sims.get(Incident.FORK)).stream().filter(a -> a.getType().equals(Findings.FORK))
        .findFirst().orElseThrow();
    assertThat(fork.getEvidence()).containsKeys("previousCheckpoint", "proof", "root1", "root2");
    Alert split = alertsOf(sims.get(Incident.SPLIT_VIEW)).stream().filter(a -> a.getType().equals(Findings.SPLIT_VIEW))
        .findFirst().orElseThrow();
    assertThat(split.getEvidence().get("root1")).isNotEqualTo(split.getEvidence().get("root2"));
    Alert tampered = alertsOf(sims.get(Incident.TAMPERED_ENTRY)).get(0);
    // the newest entry of the first checkpoint (index 199 of 200) was tampered: the range up to that checkpoint
    assertThat(tampered.getType()).isEqualTo(Findings.TAMPERED_ENTRIES);
    assertThat(tampered.getEvidence()).containsEntry("rangeStart", "0").containsEntry("rangeEnd", "200");
    assertThat(tampered.getEvidence().get("signedRoot")).isNotEqualTo(tampered.getEvidence().get("computedRoot"));
    assertThat(alertsOf(sims.get(Incident.UNKNOWN_KEY)).get(0).getSummary()).contains("not signed by a trusted key");
  }

  /**
   * What an incident may legitimately bring along: entries served from a forked tree may fail the full audit against
   * the next verified checkpoint. The fork's own later checkpoints are never accepted: each fails the proof from the
   * verified head and continues the one FORK incident.
   */
  static List<String> consequences(String type) {
    return type.equals(Findings.FORK) ? List.of(Findings.FORK, Findings.TAMPERED_ENTRIES) : List.of(type);
  }
}
