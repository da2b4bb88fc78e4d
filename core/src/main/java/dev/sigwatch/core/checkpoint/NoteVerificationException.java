package dev.sigwatch.core.checkpoint;

/**
 * A well-formed signed note or tree head that must not be trusted: no signature from a trusted key, a
 * bad signature from a trusted key, or a checkpoint that does not match the tree head it should cover.
 */
public final class NoteVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  public NoteVerificationException(String message) {
    super(message);
  }

  public NoteVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
