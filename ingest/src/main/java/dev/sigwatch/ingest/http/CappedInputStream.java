package dev.sigwatch.ingest.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * A response body read as a stream that fails with {@link LogHttp.ResponseTooLargeException} once more than
 * {@code max} bytes came: a streamed answer keeps no copy, but a log that never stops sending must still not hold a
 * fetch thread forever. Not thread-safe (one reader).
 */
final class CappedInputStream extends FilterInputStream {
  private final long max;
  private final String what;
  private long read;

  CappedInputStream(InputStream in, long max, String what) {
    super(in);
    this.max = max;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) count(1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) count(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    if (s > 0) count(s);
    return s;
  }

  private void count(long n) throws LogHttp.ResponseTooLargeException {
    read += n;
    if (read > max) {
      throw new LogHttp.ResponseTooLargeException(String.format(Locale.ROOT,
          "%s: streamed response exceeds %d bytes", what, max));
    }
  }
}
