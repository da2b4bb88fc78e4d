package dev.sigwatch.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one record held in memory, that refuses any length or count larger than the bytes left
 * <em>before</em> allocating for it.
 *
 * <p>Avro's own {@link BinaryDecoder} allocates what a length prefix claims and only then finds the bytes missing:
 * a 15-byte record whose string field claims 2^31 - 1 bytes makes it allocate 2 GiB (issue 18), and an array claiming
 * 2^31 items an equally large backing array. Within one record a string, bytes or fixed value of n bytes needs n
 * bytes left, and an array or map block of n items needs at least n bytes left (every item of every sigwatch schema
 * encodes to at least one byte: no schema has an array of null or of empty records). Anything claiming more is an
 * {@link EOFException} (the record ends before the claimed value: truncated or lying) naming the claim and what
 * is left.
 *
 * <p>Reads the record's array directly. The primitives decode as Avro's direct binary decoder decodes them (the
 * decoder this class wrapped before, through a stream, a byte per call: 3% of the match stage's thread): the same
 * values, {@link EOFException} past the end, {@link InvalidNumberEncodingException} for a varint of more than 5 (int)
 * or 10 (long) bytes, Avro's {@link SystemLimitException} checks on collection sizes. {@code BoundedDecoderDifferentialTest}
 * compares the two on every record shape and mutations of them.
 *
 * <p>Not thread-safe: one instance per record.
 */
final class BoundedDecoder extends Decoder {
  private final byte[] b;
  private int pos;
  private final int end;
  /** Items of the array or map being read so far (Avro's own running check of collection sizes). */
  private long collectionCount;

  BoundedDecoder(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IllegalArgumentException("range [" + offset + ", " + offset + " + " + length + ") is not within "
          + data.length + " bytes");
    }
    this.b = data;
    this.pos = offset;
    this.end = offset + length;
  }

  /** True when every byte of the record has been read. */
  boolean isEnd() {
    return pos == end;
  }

  private int available() {
    return end - pos;
  }

  private int length(long n, String what) throws IOException {
    if (n < 0) {
      throw new IOException(String.format(Locale.ROOT, "negative %s length %d", what, n));
    }
    if (n > available()) {
      throw new EOFException(String.format(Locale.ROOT, "%s of %d bytes, but only %d bytes left", what, n,
          available()));
    }
    return (int) n;
  }

  private long count(long n, String what) throws IOException {
    if (n > available()) {
      throw new EOFException(String.format(Locale.ROOT, "%s block of %d items, but only %d bytes left", what, n,
          available()));
    }
    return n;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int n = length(readLong(), "string");
    Utf8 s = old == null ? new Utf8() : old;
    s.setByteLength(n);
    System.arraycopy(b, pos, s.getBytes(), 0, n);
    pos += n;
    return s;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    int n = length(readLong(), "string"); // not "pos += ...": that would add to pos as it was before the length
    pos += n;
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int n = length(readLong(), "bytes");
    ByteBuffer out;
    if (old != null && old.hasArray() && n <= old.capacity()) {
      out = old;
      out.clear();
    } else {
      out = ByteBuffer.allocate(n);
    }
    System.arraycopy(b, pos, out.array(), out.arrayOffset() + out.position(), n);
    pos += n;
    out.limit(n);
    return out;
  }

  @Override
  public void skipBytes() throws IOException {
    int n = length(readLong(), "bytes");
    pos += n;
  }

  @Override
  public void readFixed(byte[] bytes, int start, int len) throws IOException {
    int n = length(len, "fixed");
    System.arraycopy(b, pos, bytes, start, n);
    pos += n;
  }

  @Override
  public void skipFixed(int len) throws IOException {
    int n = length(len, "fixed");
    pos += n;
  }

  /** A block's item count; a negative count is followed by the block's size in bytes, which is read and ignored. */
  private long itemCount() throws IOException {
    long n = readLong();
    if (n < 0L) {
      readLong();
      n = -n;
    }
    return n;
  }

  /** Skips whole blocks that state their size in bytes; the count of the first block that does not. */
  private long skipItems() throws IOException {
    long n = readLong();
    while (n < 0L) {
      long bytes = readLong();
      if (bytes > available()) {
        pos = end;
        throw new EOFException();
      }
      pos += (int) Math.max(bytes, 0);
      n = readLong();
    }
    return n;
  }

  @Override
  public long readArrayStart() throws IOException {
    collectionCount = SystemLimitException.checkMaxCollectionLength(itemCount());
    return count(collectionCount, "array");
  }

  @Override
  public long arrayNext() throws IOException {
    long n = itemCount();
    collectionCount = SystemLimitException.checkMaxCollectionLength(collectionCount, n);
    return count(n, "array");
  }

  @Override
  public long skipArray() throws IOException {
    return count(skipItems(), "array");
  }

  @Override
  public long readMapStart() throws IOException {
    collectionCount = SystemLimitException.checkMaxCollectionLength(itemCount());
    return count(collectionCount, "map");
  }

  @Override
  public long mapNext() throws IOException {
    long n = itemCount();
    collectionCount = SystemLimitException.checkMaxCollectionLength(collectionCount, n);
    return count(n, "map");
  }

  @Override
  public long skipMap() throws IOException {
    return count(skipItems(), "map");
  }

  @Override
  public void readNull() {
    // nothing is written for null
  }

  @Override
  public boolean readBoolean() throws IOException {
    if (pos >= end) {
      throw new EOFException();
    }
    return b[pos++] == 1;
  }

  @Override
  public int readInt() throws IOException {
    int n = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      if (pos >= end) {
        throw new EOFException();
      }
      int x = b[pos++];
      n |= (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1); // zig-zag back to two's complement
      }
    }
    throw new InvalidNumberEncodingException("Invalid int encoding");
  }

  @Override
  public long readLong() throws IOException {
    long n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new EOFException();
      }
      int x = b[pos++];
      n |= (x & 0x7fL) << shift;
      if ((x & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new InvalidNumberEncodingException("Invalid long encoding");
  }

  @Override
  public float readFloat() throws IOException {
    return Float.intBitsToFloat((int) littleEndian(4));
  }

  @Override
  public double readDouble() throws IOException {
    return Double.longBitsToDouble(littleEndian(8));
  }

  private long littleEndian(int bytes) throws EOFException {
    if (available() < bytes) {
      pos = end;
      throw new EOFException();
    }
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (b[pos++] & 0xffL) << (8 * i);
    }
    return v;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }
}
