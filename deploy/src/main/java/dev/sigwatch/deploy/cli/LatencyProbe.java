package dev.sigwatch.deploy.cli;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Detection latency (issue 15, P3), measured on the running pipeline: signings by a watched identity are logged to
 * the simulator's Rekor v1 and v2 one after another, and each one's IDENTITY_MATCH alert is awaited on the alerts
 * topic by a {@code read_committed} consumer (what a user's consumer sees). Latency = from the moment the entry and a
 * checkpoint covering it are served by the log to the moment the alert is read: ingest's polling, the audit, the
 * match and both stages' exactly-once commits included. One alert per log per signing.
 */
final class LatencyProbe {
  /** The identity the probe signs as; {@link #RULE} matches it and nothing in the simulator's pool. */
  static final String DOMAIN = "latency.bench.sigwatch";
  static final String RULE = "^probe-[0-9]+@latency\\.bench\\.sigwatch$";

  private LatencyProbe() {}

  /**
   * Runs {@code n} signings {@code spacing} apart and reports p50 / p99 / max of the alerts' latency.
   *
   * @return the summary fragment for the benchmark's result line, or null when no alert came
   */
  static String run(BenchSimulator sim, Map<String, Object> clientProperties, Topic<String, Alert> alerts, int n,
      Duration spacing, Consumer<String> say) throws InterruptedException {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Long> loggedAt = new HashMap<>();
    List<Long> latencies = new ArrayList<>();
    try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(props, alerts.keySerde().deserializer(),
        alerts.valueSerde().deserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(alerts.name()).stream()
          .map(i -> new TopicPartition(alerts.name(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position); // resolve the end now: alerts from here on
      say.accept("latency: " + n + " signings by a watched identity, " + spacing.toMillis() + " ms apart, each logged"
          + " to Rekor v1 and v2; waiting for their alerts");
      long nextAt = System.nanoTime();
      int sent = 0;
      long deadline = Long.MAX_VALUE;
      while (latencies.size() < 2L * n && System.nanoTime() < deadline) {
        if (sent < n && System.nanoTime() >= nextAt) {
          String who = "probe-" + sent + "@" + DOMAIN;
          sim.addIdentity(who, "https://accounts.google.com");
          loggedAt.put(who, System.currentTimeMillis());
          sent++;
          nextAt += spacing.toNanos();
          if (sent == n) deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        }
        for (ConsumerRecord<String, Alert> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          Long at = loggedAt.get(r.value().getIdentity());
          if (at != null && "IDENTITY_MATCH".equals(r.value().getType())) {
            latencies.add(now - at);
          }
        }
      }
    }
    if (latencies.isEmpty()) {
      say.accept("latency: no alert arrived");
      return null;
    }
    latencies.sort(null);
    String line = String.format(Locale.ROOT, "latency p50 %d ms, p99 %d ms, max %d ms (%d alerts of %d expected)",
        percentile(latencies, 50), percentile(latencies, 99), latencies.get(latencies.size() - 1), latencies.size(),
        2 * n);
    say.accept(line);
    return String.format(Locale.ROOT, "latency-p50=%dms latency-p99=%dms", percentile(latencies, 50),
        percentile(latencies, 99));
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
