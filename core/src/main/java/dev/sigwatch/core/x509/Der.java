package dev.sigwatch.core.x509;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Bounded decoding of DER (and BER) bytes that come from a log: every certificate extension value, SAN list,
 * public key and timestamp response that sigwatch decodes with BouncyCastle goes through here first.
 *
 * <p>BouncyCastle builds constructed values recursively, one group of stack frames per nesting level: a ~10 KB
 * extension value nested a few thousand levels deep throws {@link StackOverflowError} (found for issue 12; anyone
 * can upload such a certificate to a public log, and an {@code Error} escapes every {@code catch (Exception)}).
 * {@link #checkNesting} walks the TLV structure iteratively, with no recursion and no allocation beyond one
 * {@code int[maxDepth + 1]}, and rejects too-deep nesting, lengths that run past their container, and
 * malformed tags and lengths before BouncyCastle sees the bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class Der {
  /**
   * Deepest nesting of constructed values accepted. An X.509 certificate nests about 8 levels (Certificate,
   * TBSCertificate, [3] extensions, Extension, a GeneralName...); an RFC 3161 timestamp response with its
   * embedded certificates about 16. 32 leaves room for every real structure and is far from the few thousand
   * levels that exhaust a default 512 KiB–1 MiB thread stack.
   */
  public static final int MAX_DEPTH = 32;

  /** At most this many bytes of a high tag number (5 × 7 bits: any 32-bit tag). */
  private static final int MAX_TAG_BYTES = 5;

  private Der() {}

  /**
   * {@link ASN1Primitive#fromByteArray} after {@link #checkNesting} with {@link #MAX_DEPTH}.
   *
   * @throws IOException if the bytes are empty, too deep or not one well-formed value
   */
  public static ASN1Primitive decode(byte[] der) throws IOException {
    checkNesting(der, MAX_DEPTH);
    ASN1Primitive p;
    try {
      p = read(der);
    } catch (RuntimeException e) { // e.g. "truncated BIT STRING detected" (found by CertificateFuzzTest)
      throw new IOException("ASN.1: " + e.getMessage(), e);
    }
    if (p == null) {
      throw new IOException("ASN.1: no value (empty input)");
    }
    return p;
  }

  /**
   * {@link ASN1Primitive#fromByteArray}, same results and errors, reading through an unsynchronized stream:
   * BouncyCastle reads every tag and length octet with a single-byte {@code read()}, which on a
   * {@link java.io.ByteArrayInputStream} takes a lock each time. Only for bytes that passed {@link #checkNesting}.
   */
  static ASN1Primitive read(byte[] der) throws IOException {
    ASN1InputStream in = new ASN1InputStream(new ArrayInput(der), der.length);
    try {
      ASN1Primitive o = in.readObject();
      if (in.available() != 0) {
        throw new IOException("Extra data detected in stream");
      }
      return o;
    } catch (ClassCastException e) {
      throw new IOException("cannot recognise object in stream");
    }
  }

  /**
   * Checks that {@code der} is a well-formed sequence of TLVs (BER indefinite lengths allowed on constructed
   * values) whose constructed values nest at most {@code maxDepth} levels.
   *
   * @return whether every length is definite and in its shortest form, as DER requires (false: BER lengths, which
   *     a re-encoding would change)
   * @throws IOException naming the offset and what is wrong
   */
  public static boolean checkNesting(byte[] der, int maxDepth) throws IOException {
    return checkNesting(der, 0, der.length, maxDepth);
  }

  /** {@link #checkNesting(byte[], int)} of {@code der[from, to)}. */
  public static boolean checkNesting(byte[] der, int from, int to, int maxDepth) throws IOException {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1, was " + maxDepth);
    }
    if (from < 0 || to > der.length || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") is not within " + der.length + " bytes");
    }
    final int len = to;
    int[] ends = new int[maxDepth + 1]; // end offset of each open constructed value; -1: indefinite length
    int depth = 0;
    ends[0] = len;
    int pos = from;
    boolean strict = true;
    while (true) {
      int end = ends[depth];
      if (pos == end) {
        if (depth == 0) {
          return strict;
        }
        depth--;
        continue;
      }
      int bound = end < 0 ? len : end;
      if (pos >= bound) {
        throw error(pos, "truncated: a value is not terminated");
      }
      int tag = der[pos++] & 0xff;
      if (end < 0 && tag == 0 && pos < len && der[pos] == 0) {
        pos++; // end-of-contents of an indefinite-length value
        depth--;
        continue;
      }
      if ((tag & 0x1f) == 0x1f) {
        int n = 0;
        do {
          if (pos >= bound || ++n > MAX_TAG_BYTES) {
            throw error(pos, "malformed high tag number");
          }
        } while ((der[pos++] & 0x80) != 0);
      }
      if (pos >= bound) {
        throw error(pos, "truncated: no length");
      }
      boolean constructed = (tag & 0x20) != 0;
      int first = der[pos++] & 0xff;
      int length;
      if (first == 0x80) {
        if (!constructed) {
          throw error(pos, "indefinite length on a primitive value");
        }
        strict = false;
        depth = open(ends, depth, maxDepth, -1, pos);
        continue;
      } else if (first < 0x80) {
        length = first;
      } else {
        int n = first & 0x7f;
        if (n > 4) {
          throw error(pos, "length of " + n + " bytes");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
          if (pos >= bound) {
            throw error(pos, "truncated length");
          }
          v = (v << 8) | (der[pos++] & 0xff);
        }
        if (v > Integer.MAX_VALUE) {
          throw error(pos, "length " + v + " is too large");
        }
        length = (int) v;
        if (length < 0x80 || length >> (8 * (n - 1)) == 0) {
          strict = false; // a long form where the short one fits, or a leading zero byte
        }
      }
      if (length > bound - pos) {
        throw error(pos, String.format(Locale.ROOT, "length %d exceeds the %d bytes left", length, bound - pos));
      }
      if (constructed) {
        depth = open(ends, depth, maxDepth, pos + length, pos);
      } else {
        pos += length;
      }
    }
  }

  /**
   * One TLV of bytes that passed {@link #checkNesting} with DER lengths: its identifier octet, where it starts, where
   * its contents start and where it ends.
   *
   * @param tag the first identifier octet (class, constructed bit, tag number or 0x1f for a high tag number)
   */
  public record Tlv(int tag, int start, int contentStart, int end) {
    /** Whether this is a universal SEQUENCE. */
    public boolean isSequence() {
      return tag == 0x30;
    }
  }

  /**
   * Reads the header of the TLV at {@code pos}, which must end by {@code limit}.
   *
   * @throws IOException if the header is malformed, the length indefinite or past {@code limit}
   */
  public static Tlv tlv(byte[] der, int pos, int limit) throws IOException {
    int start = pos;
    if (pos >= limit) {
      throw error(pos, "truncated: no value");
    }
    int tag = der[pos++] & 0xff;
    if ((tag & 0x1f) == 0x1f) {
      int n = 0;
      do {
        if (pos >= limit || ++n > MAX_TAG_BYTES) {
          throw error(pos, "malformed high tag number");
        }
      } while ((der[pos++] & 0x80) != 0);
    }
    if (pos >= limit) {
      throw error(pos, "truncated: no length");
    }
    int first = der[pos++] & 0xff;
    long length;
    if (first < 0x80) {
      length = first;
    } else if (first == 0x80) {
      throw error(pos, "indefinite length");
    } else {
      int n = first & 0x7f;
      if (n > 4 || n > limit - pos) {
        throw error(pos, "length of " + n + " bytes");
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = (length << 8) | (der[pos++] & 0xff);
      }
    }
    if (length > limit - pos) {
      throw error(pos, String.format(Locale.ROOT, "length %d exceeds the %d bytes left", length, limit - pos));
    }
    return new Tlv(tag, start, pos, pos + (int) length);
  }

  /** The length of the DER header {@link #writeHeader} writes for a value of {@code length} bytes. */
  public static int headerLength(int length) {
    return length < 0x80 ? 2 : length >= 1 << 24 ? 6 : length >= 1 << 16 ? 5 : length >= 1 << 8 ? 4 : 3;
  }

  /** Writes the DER header of a value at {@code out[at]}; returns the offset after it. */
  public static int writeHeader(byte[] out, int at, int tag, int length) {
    out[at++] = (byte) tag;
    if (length < 0x80) {
      out[at++] = (byte) length;
      return at;
    }
    int n = headerLength(length) - 2;
    out[at++] = (byte) (0x80 | n);
    for (int i = n - 1; i >= 0; i--) {
      out[at++] = (byte) (length >>> (8 * i));
    }
    return at;
  }

  private static int open(int[] ends, int depth, int maxDepth, int end, int pos) throws IOException {
    if (depth == maxDepth) {
      throw error(pos, "nested deeper than " + maxDepth + " levels");
    }
    ends[depth + 1] = end;
    return depth + 1;
  }

  /** {@link java.io.ByteArrayInputStream}'s reads without its lock (the same results, end of stream included). */
  private static final class ArrayInput extends InputStream {
    private final byte[] b;
    private int pos;

    ArrayInput(byte[] b) {
      this.b = b;
    }

    @Override
    public int read() {
      return pos < b.length ? b[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] out, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, out.length);
      if (pos >= b.length) {
        return -1;
      }
      int n = Math.min(len, b.length - pos);
      if (n <= 0) {
        return 0;
      }
      System.arraycopy(b, pos, out, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, b.length - pos));
      pos += (int) k;
      return k;
    }

    @Override
    public int available() {
      return b.length - pos;
    }
  }

  private static IOException error(int offset, String what) {
    return new IOException("ASN.1 at offset " + offset + ": " + what);
  }
}
