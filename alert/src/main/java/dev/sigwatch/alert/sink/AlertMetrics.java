package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code sigwatch_alerts_total{type,severity}}: alerts read from {@code sigwatch.alerts} by the alert printer.
 * Counted once per record delivered to the printer, so a crash between printing and committing counts the repeated
 * alerts again (the printer is at-least-once). Thread-safe. {@link #close()} unregisters the counter.
 */
public final class AlertMetrics implements AutoCloseable {
  /** The counter's name as exposed (the text format adds {@code _total}). */
  public static final String NAME = "sigwatch_alerts";

  private final PrometheusRegistry registry;
  private final Counter alerts;

  /** Registers the counter; fails if {@code registry} already has one of that name. */
  public AlertMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    this.alerts = Counter.builder().name(NAME).help("Alerts read from the alerts topic, by type and severity")
        .labelNames("type", "severity").register(registry);
  }

  /** Metrics not exported anywhere. */
  public static AlertMetrics unregistered() {
    return new AlertMetrics(new PrometheusRegistry());
  }

  /** Counts one alert. */
  public void alerted(Alert alert) {
    alerts.labelValues(String.valueOf(alert.getType()), String.valueOf(alert.getSeverity())).inc();
  }

  /** Alerts counted so far with this type and severity. */
  public long count(String type, String severity) {
    return (long) alerts.labelValues(type, severity).get();
  }

  @Override
  public void close() {
    registry.unregister(alerts);
  }
}
