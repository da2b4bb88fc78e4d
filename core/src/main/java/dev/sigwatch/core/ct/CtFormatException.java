package dev.sigwatch.core.ct;

/** CT structures (TLS-encoded leaves, SCTs, extra_data, tiles) could not be decoded. */
public final class CtFormatException extends Exception {
  public CtFormatException(String message) {
    super(message);
  }

  public CtFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
