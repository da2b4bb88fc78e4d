package dev.sigwatch.deploy.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A Kafka Streams stage as {@link StreamsMetrics} sees it: its name (the {@code stage} label) and live views of its
 * state and client metrics. Both suppliers are called on the scrape thread, so they must be thread-safe; they may
 * return null / an empty map while the stage is not started.
 *
 * @param name the {@code stage} label value, e.g. {@code verify}
 * @param state the current Kafka Streams state, or null before start
 * @param metrics the live client metrics ({@link KafkaStreams#metrics()})
 * @param threadFailures how many of its stream threads died of an unexpected exception (and were replaced)
 */
public record StreamsStage(String name, Supplier<KafkaStreams.State> state,
                           Supplier<? extends Map<MetricName, ? extends Metric>> metrics,
                           Supplier<Long> threadFailures) {

  /** A stage that does not count its stream-thread failures. */
  public StreamsStage(String name, Supplier<KafkaStreams.State> state,
                      Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
    this(name, state, metrics, () -> 0L);
  }

  public StreamsStage {
    Objects.requireNonNull(threadFailures, "threadFailures");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(metrics, "metrics");
    if (name.isBlank()) {
      throw new IllegalArgumentException("stage name must not be blank");
    }
  }
}
