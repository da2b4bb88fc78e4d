package dev.sigwatch.ingest;

import java.io.IOException;

/**
 * The log no longer serves the tree a fetch authenticates its entries against: its tiles do not hash to that tree's
 * root, or are gone (a log that replaced its tree, a fork, while ingest was still fetching the old one). Fetching the
 * same batch again cannot help until the log's current checkpoint has been read: the poller gives up the fetch window
 * (publishing what it fetched before it, skipping nothing) and polls, which publishes the new checkpoint with the proof
 * that fails (verify: FORK), then tries again.
 */
public final class TreeNotServedException extends IOException {
  private static final long serialVersionUID = 1L;

  public TreeNotServedException(String message, Throwable cause) {
    super(message, cause);
  }
}
