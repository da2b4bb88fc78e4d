package dev.sigwatch.alert.sink.http;

/**
 * Spaces requests to one destination at most {@code perSecond} apart (no bursts beyond one). Confined to the sink's
 * thread. Waiting is a short sleep on that thread: the runner's consumer is not polled meanwhile, which is harmless
 * for waits well below the consumer's {@code max.poll.interval.ms}.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private long next;

  /** @param perSecond requests per second; 0 or less means unlimited */
  public RateLimiter(double perSecond) {
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
  }

  /** Blocks until the next request may go. */
  public void acquire() throws InterruptedException {
    if (intervalNanos == 0) return;
    long now = System.nanoTime();
    if (next - now > 0) {
      long wait = next - now;
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      now = next;
    }
    next = now + intervalNanos;
  }
}
