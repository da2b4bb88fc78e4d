package dev.sigwatch.ingest.http;

import java.io.IOException;

/** The log answered with an HTTP status that retrying will not fix (a 4xx other than 404 and 429). */
public final class HttpStatusException extends IOException {
  private final int status;

  public HttpStatusException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
