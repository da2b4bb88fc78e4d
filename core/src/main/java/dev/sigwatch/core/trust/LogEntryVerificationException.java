package dev.sigwatch.core.trust;

/** A Rekor entry's checkpoint, inclusion proof or signed entry timestamp does not verify. */
public final class LogEntryVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  public LogEntryVerificationException(String message) {
    super(message);
  }

  public LogEntryVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
