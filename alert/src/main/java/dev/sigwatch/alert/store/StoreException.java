package dev.sigwatch.alert.store;

/** The database failed (unreachable, disk full, a constraint a bug broke): the operation did not happen. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
