package dev.sigwatch.schemas.registry;

/** A schema registry call failed: unreachable, timed out, or answered with an error or an unreadable body. */
public final class SchemaRegistryException extends Exception {

  private final int status;

  public SchemaRegistryException(String message) {
    this(message, -1, null);
  }

  public SchemaRegistryException(String message, Throwable cause) {
    this(message, -1, cause);
  }

  public SchemaRegistryException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status the registry answered with, or -1 if there was no answer. */
  public int status() {
    return status;
  }
}
