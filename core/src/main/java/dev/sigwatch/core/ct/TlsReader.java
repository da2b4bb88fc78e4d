package dev.sigwatch.core.ct;

import java.util.Arrays;
import java.util.Locale;

/** Bounds-checked reader of TLS presentation-language encodings (RFC 8446 §3). Not thread-safe. */
final class TlsReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  TlsReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  private TlsReader(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  int remaining() {
    return end - pos;
  }

  long uint(int bytes, String field) throws CtFormatException {
    need(bytes, field);
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (buf[pos++] & 0xff);
    }
    return v;
  }

  byte[] fixed(int n, String field) throws CtFormatException {
    need(n, field);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** Reads {@code opaque field<min..2^(8*lenBytes)-1>}. */
  byte[] opaque(int lenBytes, int min, String field) throws CtFormatException {
    int n = (int) uint(lenBytes, field + " length");
    if (n < min) {
      throw new CtFormatException(String.format(Locale.ROOT, "%s: length %d, want at least %d", field, n, min));
    }
    return fixed(n, field);
  }

  /** Returns a reader over the next {@code opaque<...>} vector and skips past it. */
  TlsReader sub(int lenBytes, String field) throws CtFormatException {
    int n = (int) uint(lenBytes, field + " length");
    need(n, field);
    TlsReader r = new TlsReader(buf, pos, pos + n);
    pos += n;
    return r;
  }

  void expectEnd(String what) throws CtFormatException {
    if (pos != end) {
      throw new CtFormatException(what + ": " + (end - pos) + " trailing bytes");
    }
  }

  private void need(int n, String field) throws CtFormatException {
    if (n < 0 || end - pos < n) {
      throw new CtFormatException(String.format(Locale.ROOT, "%s: need %d bytes, have %d", field, n, end - pos));
    }
  }
}
