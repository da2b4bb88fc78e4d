package dev.sigwatch.match.parse;

/** An entry that cannot be turned into identities: malformed JSON, an unknown kind, a broken key or certificate. */
public final class EntryParseException extends Exception {
  public EntryParseException(String message) {
    super(message);
  }

  public EntryParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
