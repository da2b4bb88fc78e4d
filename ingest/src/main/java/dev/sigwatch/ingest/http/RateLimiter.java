package dev.sigwatch.ingest.http;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A per-log request-rate limit: requests are spaced {@code 1/rate} apart on average, with bursts of up to
 * {@code burst} requests. Thread-safe: callers reserve a slot under a lock and wait outside it.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private final long burstNanos;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long next; // earliest time the next request may start

  /**
   * @param requestsPerSecond &gt; 0; {@code Double.POSITIVE_INFINITY} = unlimited
   * @param burst requests that may start back to back after an idle period (&gt;= 1)
   */
  public RateLimiter(double requestsPerSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(requestsPerSecond > 0)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "requestsPerSecond must be > 0, was %s", requestsPerSecond));
    }
    if (burst < 1) throw new IllegalArgumentException("burst must be >= 1, was " + burst);
    this.intervalNanos = Double.isInfinite(requestsPerSecond) ? 0 : (long) (1e9 / requestsPerSecond);
    this.burstNanos = intervalNanos * (burst - 1);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.next = nanoTime.getAsLong();
  }

  /** Waits until a request may start. */
  public void acquire() throws InterruptedException {
    if (intervalNanos == 0) return;
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      long start = Math.max(next, now - burstNanos);
      next = start + intervalNanos;
      wait = start - now;
    }
    if (wait > 0) sleeper.sleep(Duration.ofNanos(wait));
  }
}
