package dev.sigwatch.alert.sink;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again, and when to give a sink a rest.
 *
 * <p>Exponential backoff with full jitter: attempt {@code n} (1-based) waits a uniformly random time in
 * {@code [base·2^(n-1)/2, base·2^(n-1)]}, capped at {@code maxBackoff}; a peer's {@code Retry-After} is honoured
 * when it asks for longer (up to {@code resumeAfter}, so a peer cannot park a sink for a day). After
 * {@code suspendAfter} consecutive failed deliveries the sink is suspended: it tries again every
 * {@code resumeAfter} until a delivery succeeds. Nothing is skipped while it waits.
 *
 * @param backoff base delay of the first retry
 * @param maxBackoff the longest delay between two retries
 * @param suspendAfter consecutive failures that suspend the sink (&gt;= 1)
 * @param resumeAfter how long a suspended sink rests before it tries again
 */
public record RetryPolicy(Duration backoff, Duration maxBackoff, int suspendAfter, Duration resumeAfter) {
  /** 1 s doubling to 5 min; suspended after 8 failures in a row (about 4 min of trying); a probe every 10 min. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 8, Duration.ofMinutes(10));

  public RetryPolicy {
    if (backoff == null || backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("backoff must be > 0, was " + backoff);
    }
    if (maxBackoff == null || maxBackoff.compareTo(backoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be >= backoff (" + backoff + "), was " + maxBackoff);
    }
    if (suspendAfter < 1) throw new IllegalArgumentException("suspendAfter must be >= 1, was " + suspendAfter);
    if (resumeAfter == null || resumeAfter.isNegative() || resumeAfter.isZero()) {
      throw new IllegalArgumentException("resumeAfter must be > 0, was " + resumeAfter);
    }
  }

  /**
   * The delay before retry {@code attempt} (1 = the first retry).
   *
   * @param retryAfter the peer's Retry-After, or null
   * @param random uniform in [0, 1)
   */
  public Duration delay(int attempt, Duration retryAfter, DoubleSupplier random) {
    if (attempt < 1) throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    long cap = maxBackoff.toMillis();
    long exp = backoff.toMillis() << Math.min(attempt - 1, 30);
    long ceiling = exp <= 0 || exp > cap ? cap : exp;
    long jittered = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
    Duration d = Duration.ofMillis(Math.max(1, jittered));
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      d = retryAfter.compareTo(resumeAfter) > 0 ? resumeAfter : retryAfter;
    }
    return d;
  }
}
