package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;

/**
 * A destination for alerts. Called from one consumer thread, in topic order; implementations need not be thread-safe.
 * {@link #accept} must be idempotent for the same {@code alertId}, or tolerate a repeat: after a crash the alerts
 * since the last committed offset are delivered again.
 */
public interface AlertSink extends AutoCloseable {
  /** Delivers one alert; throws to have it retried. */
  void accept(Alert alert) throws Exception;

  /** Makes delivered alerts durable (flush a file, ...). Called before offsets are committed. */
  default void flush() throws Exception {}

  @Override
  default void close() throws Exception {}
}
