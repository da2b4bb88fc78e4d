package dev.sigwatch.deploy.cli;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.LogTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Detection latency of integrity incidents (issue 15, P3), on the running pipeline: the simulator serves a bad
 * checkpoint — badly signed, signed by an unknown key, rolled back, a split view, and last a fork — and the probe
 * reads the verify stage's alert of that type for that log from the alerts topic ({@code read_committed}, as a user's
 * consumer). Latency = from the simulator's control call returning (the checkpoint is being served) to the alert read:
 * ingest's polling (every 1 s), the checkpoint's verification and verify's exactly-once commit included.
 *
 * <p>Each probe is its own incident with its own alert: after each alert the logs grow (a validly signed head over the
 * whole tree, which ends a bad-signature episode and a Rekor v2 split view) and the probe waits for verify to report
 * that head verified before it stages the next one; a rollback or split view at a new size is a new fact. The fork,
 * which no growth heals, comes last, on Rekor v2 (forking Rekor v1 re-renders half its tree with new SETs).
 */
final class IncidentLatencyProbe {
  /** The incidents staged in turn, each with the alert type verify raises for it. */
  private record Kind(Incident incident, LogTarget target, String alertType) {
    String label() {
      return alertType + "@" + (target == LogTarget.REKOR_V1 ? "rekor-v1" : "rekor-v2");
    }
  }

  private static final List<Kind> CYCLE = List.of(
      new Kind(Incident.BAD_SIGNATURE, LogTarget.REKOR_V1, "BAD_SIGNATURE"),
      new Kind(Incident.BAD_SIGNATURE, LogTarget.REKOR_V2, "BAD_SIGNATURE"),
      new Kind(Incident.UNKNOWN_KEY, LogTarget.REKOR_V1, "UNKNOWN_KEY"),
      new Kind(Incident.UNKNOWN_KEY, LogTarget.REKOR_V2, "UNKNOWN_KEY"),
      new Kind(Incident.ROLLBACK, LogTarget.REKOR_V1, "ROLLBACK"),
      new Kind(Incident.ROLLBACK, LogTarget.REKOR_V2, "ROLLBACK"),
      new Kind(Incident.SPLIT_VIEW, LogTarget.REKOR_V2, "SPLIT_VIEW"));
  private static final Kind FORK = new Kind(Incident.FORK, LogTarget.REKOR_V2, "FORK");
  /** How long a probe waits for its alert, and then for the healed head, before it counts as missed. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private IncidentLatencyProbe() {}

  /**
   * Stages {@code n} incidents one after another (the last a fork) and reports p50 / p99 / max of their alerts'
   * latency, and per kind.
   *
   * @return the summary fragment for the benchmark's result line, or null when no alert came
   */
  static String run(BenchSimulator sim, Map<String, Object> clientProperties, Topic<String, Alert> alerts,
      Topic<String, LogEvent> events, int n, Consumer<String> say) {
    String v2Log = sim.rekorV2Url().replaceFirst("^https?://", ""); // a Rekor v2 log's id is its URL
    List<Long> latencies = new ArrayList<>();
    Map<String, List<Long>> byKind = new TreeMap<>();
    List<String> missed = new ArrayList<>();
    Set<String> seenAlerts = new HashSet<>();
    Map<String, Integer> otherAlerts = new TreeMap<>();
    long slowestTrigger = 0;
    try (KafkaConsumer<String, Alert> alertConsumer = consumer(clientProperties, alerts.name(),
        alerts.keySerde().deserializer(), alerts.valueSerde().deserializer());
        KafkaConsumer<String, LogEvent> eventConsumer = consumer(clientProperties, events.name(),
            events.keySerde().deserializer(), events.valueSerde().deserializer())) {
      say.accept("incident latency: " + n + " integrity incidents, one at a time (" + CYCLE.stream().map(Kind::label)
          .toList() + " in turn, the last a " + FORK.label() + "); each awaits its alert, then a verified head");
      for (int i = 0; i < n; i++) {
        Kind k = i == n - 1 && n > 1 ? FORK : CYCLE.get(i % CYCLE.size());
        String log = k.target() == LogTarget.REKOR_V1 ? sim.status().rekorV1Origin() : v2Log;
        long callAt = System.nanoTime();
        sim.trigger(k.incident(), k.target());
        long servedAt = System.nanoTime();
        slowestTrigger = Math.max(slowestTrigger, servedAt - callAt);
        Alert a = awaitAlert(alertConsumer, x -> x.getType().equals(k.alertType()) && log.equals(x.getLogId())
            && seenAlerts.add(x.getAlertId()), otherAlerts);
        if (a == null) {
          missed.add(k.label());
          say.accept("incident latency: no " + k.label() + " alert within " + WAIT.toSeconds() + " s (probe " + i + ")");
        } else {
          long ms = (System.nanoTime() - servedAt) / 1_000_000;
          latencies.add(ms);
          byKind.computeIfAbsent(k.label(), x -> new ArrayList<>()).add(ms);
        }
        if (k == FORK) break;
        sim.grow(5); // a validly signed head over the whole tree on both logs: the incident ends
        // Both logs' new heads verified before the next incident: a rollback staged on a log whose last head ingest
        // has not read yet is no rollback to the monitor.
        BenchSimulator.Status s = sim.status();
        Map<String, Long> heads = new HashMap<>(Map.of(s.rekorV1Origin(), s.rekorV1Size(), v2Log, s.rekorV2Size()));
        if (!awaitVerified(eventConsumer, heads)) {
          say.accept("incident latency: no verified head of " + heads + " within " + WAIT.toSeconds() + " s; stopping");
          break;
        }
      }
    }
    if (!otherAlerts.isEmpty()) say.accept("incident latency: other alerts meanwhile: " + otherAlerts);
    if (latencies.isEmpty()) {
      say.accept("incident latency: no alert arrived");
      return null;
    }
    List<String> kinds = new ArrayList<>();
    byKind.forEach((kind, l) -> {
      l.sort(null);
      kinds.add(String.format(Locale.ROOT, "%s %d×: p50 %d ms, max %d ms", kind, l.size(),
          LatencyProbe.percentile(l, 50), l.get(l.size() - 1)));
    });
    latencies.sort(null);
    say.accept(String.format(Locale.ROOT, "incident latency p50 %d ms, p99 %d ms, max %d ms (%d alerts of %d incidents%s;"
        + " slowest trigger call %d ms)", LatencyProbe.percentile(latencies, 50), LatencyProbe.percentile(latencies, 99),
        latencies.get(latencies.size() - 1), latencies.size(), latencies.size() + missed.size(),
        missed.isEmpty() ? "" : ", missed " + missed, slowestTrigger / 1_000_000));
    say.accept("incident latency by kind: " + String.join("; ", kinds));
    return String.format(Locale.ROOT, "incident-p50=%dms incident-p99=%dms", LatencyProbe.percentile(latencies, 50),
        LatencyProbe.percentile(latencies, 99));
  }

  /** A {@code read_committed} consumer of every partition of {@code topic}, positioned at its end (from now on). */
  private static <K, V> KafkaConsumer<K, V> consumer(Map<String, Object> clientProperties, String topic,
      Deserializer<K> keys, Deserializer<V> values) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<K, V> c = new KafkaConsumer<>(props, keys, values);
    List<TopicPartition> parts = c.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position); // resolve the end now
    return c;
  }

  /** The first alert {@code want} accepts within {@link #WAIT}, or null; others are counted by type and log. */
  private static Alert awaitAlert(KafkaConsumer<String, Alert> c, Predicate<Alert> want, Map<String, Integer> others) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, Alert> r : c.poll(Duration.ofMillis(20))) {
        if (want.test(r.value())) return r.value();
        others.merge(r.value().getType() + "@" + r.value().getLogId(), 1, Integer::sum);
      }
    }
    return null;
  }

  /**
   * Whether verify reports, within {@link #WAIT}, a checkpoint verified of every log of {@code heads} (log id to size)
   * at least that size; removes each log from {@code heads} once it has.
   */
  private static boolean awaitVerified(KafkaConsumer<String, LogEvent> c, Map<String, Long> heads) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!heads.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, LogEvent> r : c.poll(Duration.ofMillis(50))) {
        LogEvent e = r.value();
        Long size = heads.get(e.getLogId());
        if ("CHECKPOINT_VERIFIED".equals(e.getType()) && size != null && e.getTreeSize() != null
            && e.getTreeSize() >= size) {
          heads.remove(e.getLogId());
        }
      }
    }
    return heads.isEmpty();
  }
}
