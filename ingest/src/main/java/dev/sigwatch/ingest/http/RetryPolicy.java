package dev.sigwatch.ingest.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt {@code n} (1-based) waits a random time in
 * {@code [base·2^(n-1)/2, base·2^(n-1)]}, capped at {@code maxDelay}; a server's {@code Retry-After} wins when longer
 * (capped at {@code maxDelay} too, so a hostile log cannot park a poller for a day).
 *
 * @param maxAttempts attempts per request including the first (&gt;= 1)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  /** Polite defaults for public logs: 6 attempts, 250 ms doubling up to 30 s (about a minute in all). */
  public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(30));

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    if (baseDelay == null || baseDelay.isNegative()) throw new IllegalArgumentException("baseDelay must be >= 0, was " + baseDelay);
    if (maxDelay == null || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must be >= baseDelay, was " + maxDelay);
    }
  }

  /** The wait before retry number {@code attempt} (1 = after the first failure); {@code retryAfter} may be null. */
  public Duration delay(int attempt, Duration retryAfter) {
    long cap = maxDelay.toMillis();
    long exp = baseDelay.toMillis() << Math.min(20, Math.max(0, attempt - 1));
    long max = Math.min(cap, exp);
    long d = max <= 1 ? max : max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1);
    if (retryAfter != null) d = Math.max(d, Math.min(cap, retryAfter.toMillis()));
    return Duration.ofMillis(d);
  }
}
