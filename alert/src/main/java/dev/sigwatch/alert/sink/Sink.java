package dev.sigwatch.alert.sink;

import java.time.Duration;
import java.util.List;

/**
 * A destination of alerts and their updates, driven by one {@link SinkRunner} thread (implementations need not be
 * thread-safe).
 *
 * <p>{@link #deliver} is all-or-nothing from the runner's point of view: when it throws, the whole batch is retried
 * later, so parts of it may arrive twice. That is why every message carries its {@link SinkMessage#idempotencyKey()}
 * and a sink must pass it on (a header, a field, a marker) so that the receiver can drop repeats — delivery is
 * at-least-once.
 */
public interface Sink extends AutoCloseable {
  /** Delivers {@code batch} (1 to {@link #maxBatch()} messages, in topic order); throws for the runner to retry. */
  void deliver(List<SinkMessage> batch) throws SinkException;

  /** The most messages one {@link #deliver} takes. */
  default int maxBatch() {
    return 1;
  }

  /**
   * How long the runner may hold messages to fill a batch (an e-mail digest waits minutes; zero delivers what one
   * poll returned). Held messages are not committed, so a crash loses none.
   */
  default Duration linger() {
    return Duration.ZERO;
  }

  /** Where it delivers, for log lines: a type and a host, never a secret. */
  String describe();

  @Override
  default void close() throws Exception {}
}
