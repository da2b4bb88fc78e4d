package dev.sigwatch.ingest.http;

import java.io.IOException;

/** Every attempt of a request failed with a retryable error (5xx, 429, timeout, reset, truncated body). */
public final class LogUnavailableException extends IOException {
  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
