package dev.sigwatch.core.checkpoint;

/** A signed note, checkpoint, key or signature line is not well formed. */
public final class NoteFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public NoteFormatException(String message) {
    super(message);
  }

  public NoteFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
