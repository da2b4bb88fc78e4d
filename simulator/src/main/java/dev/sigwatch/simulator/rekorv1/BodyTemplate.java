package dev.sigwatch.simulator.rekorv1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A canonical Rekor v1 entry body with one hex SHA-256 slot (the artifact or payload digest): body = prefix ‖
 * slot(digest) ‖ suffix, slot = lowercase hex (Rekor v1) or base64 (Rekor v2). Sharing a template across entries keeps
 * half a million entries in tens of MB. A 32-byte digest's slot has a fixed width, so the base64 of every body of one
 * template shares its first and last characters: they are encoded once, and {@link #base64Into} encodes only the
 * ~70 bytes around the slot. Immutable; its identity is the instance (as the record it was, whose arrays compared by
 * reference).
 */
public final class BodyTemplate {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST = 32;
  private static final int HEX_SLOT = 2 * DIGEST;
  private static final int B64_SLOT = 44; // base64 of 32 bytes, with its one '='
  private final String kind;
  private final byte[] prefix;
  private final byte[] suffix;
  private final boolean base64Slot;
  /** prefix[0, headBytes) is a multiple of 3 bytes; suffix[tailFrom, end) starts on a base64 group boundary. */
  private final int headBytes;
  private final int tailFrom;
  private final byte[] headB64;
  private final byte[] tailB64;

  public BodyTemplate(String kind, byte[] prefix, byte[] suffix, boolean base64Slot) {
    this.kind = kind;
    this.prefix = prefix.clone();
    this.suffix = suffix.clone();
    this.base64Slot = base64Slot;
    this.headBytes = this.prefix.length - this.prefix.length % 3;
    int middle = this.prefix.length - headBytes + slotLength();
    this.tailFrom = Math.min(this.suffix.length, (3 - middle % 3) % 3);
    this.headB64 = Base64.getEncoder().encode(Arrays.copyOf(this.prefix, headBytes));
    this.tailB64 = Base64.getEncoder().encode(Arrays.copyOfRange(this.suffix, tailFrom, this.suffix.length));
  }

  public static BodyTemplate of(String kind, String prefix, String suffix) {
    return new BodyTemplate(kind, prefix.getBytes(StandardCharsets.UTF_8), suffix.getBytes(StandardCharsets.UTF_8), false);
  }

  public static BodyTemplate base64(String kind, String prefix, String suffix) {
    return new BodyTemplate(kind, prefix.getBytes(StandardCharsets.UTF_8), suffix.getBytes(StandardCharsets.UTF_8), true);
  }

  public String kind() {
    return kind;
  }

  public boolean base64Slot() {
    return base64Slot;
  }

  private int slotLength() {
    return base64Slot ? B64_SLOT : HEX_SLOT;
  }

  /** The body bytes for {@code digest} (32 bytes; another length gets a slot of its own width). */
  public byte[] render(byte[] digest) {
    if (digest.length != DIGEST) {
      byte[] slot = (base64Slot ? Base64.getEncoder().encodeToString(digest) : java.util.HexFormat.of().formatHex(digest))
          .getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[prefix.length + slot.length + suffix.length];
      System.arraycopy(prefix, 0, out, 0, prefix.length);
      System.arraycopy(slot, 0, out, prefix.length, slot.length);
      System.arraycopy(suffix, 0, out, prefix.length + slot.length, suffix.length);
      return out;
    }
    byte[] out = new byte[prefix.length + slotLength() + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int at = slot(digest, out, prefix.length);
    System.arraycopy(suffix, 0, out, at, suffix.length);
    return out;
  }

  /** Length of the padded base64 of {@code render(digest)} for a 32-byte digest. */
  public int base64Length() {
    return 4 * ((prefix.length + slotLength() + suffix.length + 2) / 3);
  }

  /**
   * Writes the base64 (standard alphabet, padded) of {@code render(digest)} for a 32-byte {@code digest} into
   * {@code out} at {@code off} ({@link #base64Length} bytes); returns the offset after it. The same bytes as
   * {@code Base64.getEncoder().encode(render(digest))}.
   */
  public int base64Into(byte[] digest, byte[] out, int off) {
    if (digest.length != DIGEST) throw new IllegalArgumentException("digest must be 32 bytes, was " + digest.length);
    System.arraycopy(headB64, 0, out, off, headB64.length);
    off += headB64.length;
    int n = prefix.length - headBytes;
    byte[] middle = new byte[n + slotLength() + tailFrom];
    System.arraycopy(prefix, headBytes, middle, 0, n);
    int at = slot(digest, middle, n);
    System.arraycopy(suffix, 0, middle, at, tailFrom);
    off = encode(middle, out, off);
    System.arraycopy(tailB64, 0, out, off, tailB64.length);
    return off + tailB64.length;
  }

  /** Standard padded base64 of {@code src} written at {@code off}; returns the offset after it. */
  private static int encode(byte[] src, byte[] out, int off) {
    int i = 0;
    for (; i + 3 <= src.length; i += 3) {
      int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      out[off++] = B64[v >>> 18];
      out[off++] = B64[(v >>> 12) & 0x3f];
      out[off++] = B64[(v >>> 6) & 0x3f];
      out[off++] = B64[v & 0x3f];
    }
    int left = src.length - i;
    if (left > 0) {
      int v = (src[i] & 0xff) << 16 | (left == 2 ? (src[i + 1] & 0xff) << 8 : 0);
      out[off++] = B64[v >>> 18];
      out[off++] = B64[(v >>> 12) & 0x3f];
      out[off++] = left == 2 ? B64[(v >>> 6) & 0x3f] : (byte) '=';
      out[off++] = '=';
    }
    return off;
  }

  /** The slot of a 32-byte {@code digest} written at {@code at}; returns the offset after it. */
  private int slot(byte[] digest, byte[] out, int at) {
    if (base64Slot) return encode(digest, out, at);
    for (byte b : digest) {
      out[at++] = HEX[(b >> 4) & 0xf];
      out[at++] = HEX[b & 0xf];
    }
    return at;
  }
}
