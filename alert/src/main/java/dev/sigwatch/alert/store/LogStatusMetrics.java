package dev.sigwatch.alert.store;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-log verification progress, read from the alert store at scrape time (the store holds what verify's log events
 * said): {@code sigwatch_log_size}, {@code _verified_size}, {@code _audited_size} (entries [0, n) proven in the signed
 * tree), {@code _audit_lag_entries}, {@code _open_incidents}, {@code _seconds_since_update}, each labelled
 * {@code log}. One store query per scrape (cached for a second); a failing query exports nothing and logs a warning.
 */
public final class LogStatusMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogStatusMetrics.class);
  private static final Duration CACHE = Duration.ofSeconds(1);

  private final PrometheusRegistry registry;
  private final AlertStore store;
  private final Clock clock;
  private final List<GaugeWithCallback> gauges = new ArrayList<>();
  private List<LogStatus> cached = List.of();
  private Instant cachedAt = Instant.MIN;

  public LogStatusMetrics(PrometheusRegistry registry, AlertStore store, Clock clock) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    gauge("sigwatch_log_size", "Largest signed tree size seen for the log", LogStatus::size);
    gauge("sigwatch_log_verified_size", "Size of the log's last verified checkpoint", LogStatus::verifiedSize);
    gauge("sigwatch_log_audited_size", "Entries [0, n) of the log proven in its signed tree", LogStatus::auditedTo);
    gauge("sigwatch_log_audit_lag_entries", "Entries of the log's signed tree not yet audited", LogStatus::lag);
    gauge("sigwatch_log_open_incidents", "Integrity alerts of the log not resolved", s -> (long) s.openIncidents());
    gauge("sigwatch_log_seconds_since_update", "Seconds since the latest verify event about the log",
        s -> s.updatedAt() == null ? null : Duration.between(s.updatedAt(), clock.instant()).toSeconds());
  }

  private void gauge(String name, String help, Function<LogStatus, Long> value) {
    gauges.add(GaugeWithCallback.builder().name(name).help(help).labelNames("log").callback(cb -> {
      for (LogStatus s : snapshot()) {
        Long v = value.apply(s);
        if (v != null) cb.call(v, s.logId());
      }
    }).register(registry));
  }

  private synchronized List<LogStatus> snapshot() {
    Instant now = clock.instant();
    if (Duration.between(cachedAt, now).compareTo(CACHE) >= 0) {
      try {
        cached = store.logs();
      } catch (RuntimeException e) {
        log.warn("log status metrics: the store did not answer: {}", e.toString());
        cached = List.of();
      }
      cachedAt = now;
    }
    return cached;
  }

  @Override
  public void close() {
    gauges.forEach(registry::unregister);
  }
}
