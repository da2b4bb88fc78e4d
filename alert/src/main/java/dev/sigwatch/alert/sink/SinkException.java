package dev.sigwatch.alert.sink;

import java.time.Duration;

/**
 * A delivery that did not happen; the runner retries it with backoff. The message says what failed in words an
 * operator can act on and must never contain a secret (sinks build it from status codes and host names, never from
 * full URLs or credentials); {@link #retryAfter} is the peer's {@code Retry-After}, when it sent one.
 */
public final class SinkException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Duration retryAfter;

  public SinkException(String message) {
    this(message, null, null);
  }

  public SinkException(String message, Throwable cause) {
    this(message, null, cause);
  }

  /** @param retryAfter how long the peer asked us to wait, or null */
  public SinkException(String message, Duration retryAfter, Throwable cause) {
    // The cause is kept for its type only: library messages may quote URLs, so only the message given here is shown.
    super(message, null, false, false);
    this.retryAfter = retryAfter;
    if (cause != null) {
      addSuppressed(new CauseType(cause));
    }
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** Names a cause's class without its message (which may quote a secret URL). */
  private static final class CauseType extends Exception {
    private static final long serialVersionUID = 1L;

    CauseType(Throwable cause) {
      super(cause.getClass().getName(), null, false, false);
    }
  }
}
