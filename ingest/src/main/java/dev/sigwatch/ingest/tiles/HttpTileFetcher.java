package dev.sigwatch.ingest.tiles;

import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.ingest.http.LogHttp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;

/**
 * A {@link TileFetcher} over {@link LogHttp}: {@code fetch("tile/0/000")} GETs {@code <prefix>/tile/0/000} with the
 * log's retries, rate limit and size limit. A 404 is a {@link java.io.FileNotFoundException} (not retried), as
 * {@link TileFetcher} requires. Thread-safe.
 */
public final class HttpTileFetcher implements TileFetcher {
  private final LogHttp http;
  private final String prefix;

  /**
   * @param prefix the URL the tile paths are relative to, without a trailing slash: {@code https://log2025-1.rekor
   *     .sigstore.dev/api/v2} for Rekor v2, the log URL for static-ct
   */
  public HttpTileFetcher(LogHttp http, String prefix) {
    if (prefix.endsWith("/")) throw new IllegalArgumentException("prefix must not end with '/', was " + prefix);
    this.http = http;
    this.prefix = prefix;
  }

  @Override
  public byte[] fetch(String path) throws IOException {
    try {
      return http.get(URI.create(prefix + "/" + path));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted fetching " + prefix + "/" + path);
      io.initCause(e);
      throw io;
    }
  }
}
