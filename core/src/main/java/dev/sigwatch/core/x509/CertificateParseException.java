package dev.sigwatch.core.x509;

/** A certificate (or one of its Fulcio extensions) could not be parsed. */
public final class CertificateParseException extends Exception {
  public CertificateParseException(String message) {
    super(message);
  }

  public CertificateParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
