package dev.sigwatch.core.trust;

/** A trusted root or signing config cannot be read, parsed or fetched. */
public final class TrustException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrustException(String message) {
    super(message);
  }

  public TrustException(String message, Throwable cause) {
    super(message, cause);
  }
}
