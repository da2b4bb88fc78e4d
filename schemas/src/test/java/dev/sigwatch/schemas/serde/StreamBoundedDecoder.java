package dev.sigwatch.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * The stream-backed {@link BoundedDecoder} of issue 18, kept as it was for {@code BoundedDecoderDifferentialTest}:
 * Avro's direct binary decoder over an unsynchronized stream, lengths and counts checked against the bytes left.
 */
final class StreamBoundedDecoder extends Decoder {
  private final Input in;
  private final BinaryDecoder d;

  StreamBoundedDecoder(byte[] data, int offset, int length) {
    this.in = new Input(data, offset, offset + length);
    this.d = DecoderFactory.get().directBinaryDecoder(in, null);
  }

  /** True when every byte of the record has been read. */
  boolean isEnd() {
    return in.available() == 0;
  }

  private int length(long n, String what) throws IOException {
    if (n < 0) {
      throw new IOException(String.format(Locale.ROOT, "negative %s length %d", what, n));
    }
    if (n > in.available()) {
      throw new EOFException(String.format(Locale.ROOT, "%s of %d bytes, but only %d bytes left", what, n,
          in.available()));
    }
    return (int) n;
  }

  private long count(long n, String what) throws IOException {
    if (n > in.available()) {
      throw new EOFException(String.format(Locale.ROOT, "%s block of %d items, but only %d bytes left", what, n,
          in.available()));
    }
    return n;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int n = length(d.readLong(), "string");
    Utf8 s = old == null ? new Utf8() : old;
    s.setByteLength(n);
    d.readFixed(s.getBytes(), 0, n);
    return s;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    d.skipFixed(length(d.readLong(), "string"));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int n = length(d.readLong(), "bytes");
    ByteBuffer b;
    if (old != null && old.hasArray() && n <= old.capacity()) {
      b = old;
      b.clear();
    } else {
      b = ByteBuffer.allocate(n);
    }
    d.readFixed(b.array(), b.arrayOffset() + b.position(), n);
    b.limit(n);
    return b;
  }

  @Override
  public void skipBytes() throws IOException {
    d.skipFixed(length(d.readLong(), "bytes"));
  }

  @Override
  public void readFixed(byte[] bytes, int start, int len) throws IOException {
    d.readFixed(bytes, start, length(len, "fixed"));
  }

  @Override
  public void skipFixed(int len) throws IOException {
    d.skipFixed(length(len, "fixed"));
  }

  @Override
  public long readArrayStart() throws IOException {
    return count(d.readArrayStart(), "array");
  }

  @Override
  public long arrayNext() throws IOException {
    return count(d.arrayNext(), "array");
  }

  @Override
  public long skipArray() throws IOException {
    return count(d.skipArray(), "array");
  }

  @Override
  public long readMapStart() throws IOException {
    return count(d.readMapStart(), "map");
  }

  @Override
  public long mapNext() throws IOException {
    return count(d.mapNext(), "map");
  }

  @Override
  public long skipMap() throws IOException {
    return count(d.skipMap(), "map");
  }

  @Override
  public void readNull() throws IOException {
    d.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return d.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return d.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return d.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return d.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return d.readDouble();
  }

  @Override
  public int readEnum() throws IOException {
    return d.readEnum();
  }

  @Override
  public int readIndex() throws IOException {
    return d.readIndex();
  }

  /** An unsynchronized stream over a slice of an array (ByteArrayInputStream locks on every byte). */
  private static final class Input extends InputStream {
    private final byte[] b;
    private int pos;
    private final int end;

    Input(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    @Override
    public int read() {
      return pos < end ? b[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] out, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = Math.min(len, end - pos);
      System.arraycopy(b, pos, out, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += (int) k;
      return k;
    }

    @Override
    public int available() {
      return end - pos;
    }
  }
}
