package dev.sigwatch.core.ct;

import java.io.ByteArrayOutputStream;

/** Writer of TLS presentation-language encodings (RFC 8446 §3). Not thread-safe. */
final class TlsWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TlsWriter uint(long v, int bytes) {
    if (bytes < 8 && (v < 0 || v >= (1L << (8 * bytes)))) {
      throw new IllegalArgumentException(v + " does not fit in " + bytes + " bytes");
    }
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  TlsWriter fixed(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /** Writes {@code opaque<0..2^(8*lenBytes)-1>}: length prefix then bytes. */
  TlsWriter opaque(byte[] b, int lenBytes) {
    uint(b.length, lenBytes);
    return fixed(b);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
