package dev.sigwatch.ingest;

/**
 * A broken invariant of ingest (a source answering another index than asked for): the one failure a poller does not
 * retry. It stops that log's ingest loudly (ERROR, and {@link IngestService#healthy()} turns false).
 */
final class BrokenInvariantException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BrokenInvariantException(String message) {
    super(message);
  }
}
