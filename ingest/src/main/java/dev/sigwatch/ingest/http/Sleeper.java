package dev.sigwatch.ingest.http;

import java.time.Duration;

/** Waits; injected so that tests of retries and rate limits do not really sleep. Implementations are thread-safe. */
@FunctionalInterface
public interface Sleeper {
  /** Blocks for {@code d} (zero or negative: returns at once). */
  void sleep(Duration d) throws InterruptedException;

  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> {
    if (!d.isNegative() && !d.isZero()) Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));
  };
}
