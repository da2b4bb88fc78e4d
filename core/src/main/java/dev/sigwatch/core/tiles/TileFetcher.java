package dev.sigwatch.core.tiles;

import java.io.FileNotFoundException;
import java.io.IOException;

/**
 * Fetches a tiled log's resources by their {@link TilePath} string, for example {@code tile/0/x001/067}
 * (relative to the log's prefix; an HTTP implementation prepends its base URL).
 *
 * <p>Contract: returns the resource's bytes exactly as served; throws {@link FileNotFoundException} when
 * the resource does not exist (HTTP 404), so that callers can fall back from a partial tile that the log
 * has replaced by the full one; throws another {@link IOException} for any other failure. Callers in
 * this package call it from one thread at a time; implementations state their own thread-safety.
 */
@FunctionalInterface
public interface TileFetcher {
  /** Returns the bytes of the resource at {@code path}. */
  byte[] fetch(String path) throws IOException;
}
