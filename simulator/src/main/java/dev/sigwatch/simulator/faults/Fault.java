package dev.sigwatch.simulator.faults;

import java.time.Duration;

/**
 * A transport fault to inject into served responses.
 *
 * <p>{@code pathPrefix} scopes the fault to requests whose path starts with it ("" = every request). A fault fires either
 * for the next {@code count} matching requests ({@code count > 0}) or, when {@code count == 0}, with {@code probability}
 * on every matching request until it is cleared.
 */
public record Fault(Kind kind, String pathPrefix, int count, double probability, Duration delay, int retryAfterSeconds) {

  /** What the server does instead of (or on the way to) answering normally. */
  public enum Kind {
    /** HTTP 429 with a {@code Retry-After} header. */
    RATE_LIMIT,
    /** HTTP 500. */
    SERVER_ERROR,
    /** HTTP 503. */
    UNAVAILABLE,
    /** The normal response after {@code delay}. */
    SLOW,
    /** The normal status and Content-Length, but only half the body, then the connection is closed. */
    TRUNCATE,
    /** The connection is closed before any response byte is sent. */
    RESET
  }

  public Fault {
    if (kind == null) throw new IllegalArgumentException("kind must not be null");
    if (pathPrefix == null) pathPrefix = "";
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, was " + count);
    if (count == 0 && (probability <= 0 || probability > 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1] when count == 0, was " + probability);
    }
    if (delay == null) delay = Duration.ZERO;
    if (delay.isNegative()) throw new IllegalArgumentException("delay must be >= 0, was " + delay);
    if (retryAfterSeconds < 0) throw new IllegalArgumentException("retryAfterSeconds must be >= 0, was " + retryAfterSeconds);
  }

  /** The next {@code n} requests below {@code pathPrefix} fail with {@code kind}. */
  public static Fault next(int n, Kind kind, String pathPrefix) {
    if (n <= 0) throw new IllegalArgumentException("n must be > 0, was " + n);
    return new Fault(kind, pathPrefix, n, 1.0, Duration.ZERO, 1);
  }

  /** Every request below {@code pathPrefix} fails with {@code kind} with probability {@code p}, until cleared. */
  public static Fault withProbability(double p, Kind kind, String pathPrefix) {
    return new Fault(kind, pathPrefix, 0, p, Duration.ZERO, 1);
  }

  public Fault withDelay(Duration d) {
    return new Fault(kind, pathPrefix, count, probability, d, retryAfterSeconds);
  }

  public Fault withRetryAfter(int seconds) {
    return new Fault(kind, pathPrefix, count, probability, delay, seconds);
  }
}
