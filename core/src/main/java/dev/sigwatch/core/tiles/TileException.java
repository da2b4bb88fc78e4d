package dev.sigwatch.core.tiles;

/** A tile, entry bundle or tile path that does not have the shape C2SP tlog-tiles requires. */
public class TileException extends Exception {
  private static final long serialVersionUID = 1L;

  public TileException(String message) {
    super(message);
  }

  public TileException(String message, Throwable cause) {
    super(message, cause);
  }
}
