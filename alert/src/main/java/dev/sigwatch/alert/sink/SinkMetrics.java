package dev.sigwatch.alert.sink;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus metrics of the alert sinks, labelled by sink name: {@code sigwatch_sink_delivered_total},
 * {@code _retried_total}, {@code _failed_total} (delivery attempts that failed), {@code _suspended} (1 while
 * suspended), {@code _suspensions_total}, {@code _delivery_seconds} (one deliver call),
 * {@code _lag_seconds} (record timestamp to delivery, of the last delivered batch). One instance per registry
 * (registering twice fails); thread-safe.
 */
public final class SinkMetrics {
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final Gauge suspended;
  private final Counter suspensions;
  private final Histogram latency;
  private final Gauge lag;

  public SinkMetrics(PrometheusRegistry registry) {
    delivered = Counter.builder().name("sigwatch_sink_delivered_total")
        .help("Alerts and updates delivered (a repeat after a crash counts again)").labelNames("sink").register(registry);
    retried = Counter.builder().name("sigwatch_sink_retried_total")
        .help("Delivery attempts that are a retry of a failed one").labelNames("sink").register(registry);
    failed = Counter.builder().name("sigwatch_sink_failed_total")
        .help("Delivery attempts that failed (they are retried; nothing is dropped)").labelNames("sink").register(registry);
    suspended = Gauge.builder().name("sigwatch_sink_suspended")
        .help("1 while the sink is suspended after consecutive failures").labelNames("sink").register(registry);
    suspensions = Counter.builder().name("sigwatch_sink_suspensions_total")
        .help("Times the sink was suspended").labelNames("sink").register(registry);
    latency = Histogram.builder().name("sigwatch_sink_delivery_seconds")
        .help("Duration of one successful delivery call (one batch)").labelNames("sink").register(registry);
    lag = Gauge.builder().name("sigwatch_sink_lag_seconds")
        .help("From the record's timestamp on the topic to its delivery, for the last batch").labelNames("sink")
        .register(registry);
  }

  /** Metrics not exported anywhere (tests, {@code sigwatch alert test}). */
  public static SinkMetrics unregistered() {
    return new SinkMetrics(new PrometheusRegistry());
  }

  void recordDelivered(String sink, int count, double seconds, double lagSeconds) {
    delivered.labelValues(sink).inc(count);
    latency.labelValues(sink).observe(seconds);
    lag.labelValues(sink).set(lagSeconds);
  }

  void recordFailure(String sink) {
    failed.labelValues(sink).inc();
  }

  void recordRetry(String sink) {
    retried.labelValues(sink).inc();
  }

  void recordSuspended(String sink, boolean isSuspended) {
    if (isSuspended) suspensions.labelValues(sink).inc();
    suspended.labelValues(sink).set(isSuspended ? 1 : 0);
  }

  public long delivered(String sink) {
    return (long) delivered.labelValues(sink).get();
  }

  public long failed(String sink) {
    return (long) failed.labelValues(sink).get();
  }

  public long retried(String sink) {
    return (long) retried.labelValues(sink).get();
  }

  public long suspensions(String sink) {
    return (long) suspensions.labelValues(sink).get();
  }

  public boolean isSuspended(String sink) {
    return suspended.labelValues(sink).get() > 0;
  }
}
