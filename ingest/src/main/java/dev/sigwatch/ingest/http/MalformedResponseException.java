package dev.sigwatch.ingest.http;

import java.io.IOException;

/** A response that arrived whole but cannot be used as a whole (bad JSON, wrong shape, wrong count). */
public final class MalformedResponseException extends IOException {
  public MalformedResponseException(String message) {
    super(message);
  }

  public MalformedResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
