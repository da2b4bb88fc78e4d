package dev.sigwatch.schemas;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Rekor v1 entry's served JSON on the entries topic without the text of its body string ({@code rawBodyAt}): the
 * body is already the record's {@code body} field, and its base64 text was ~40% of every record. The cut is lossless:
 * ingest makes it only when the text is exactly what {@link #served} puts back.
 */
public final class ServedRaw {
  private ServedRaw() {}

  /**
   * Whether {@code served[from, to)} is exactly {@code base64(body)} (standard alphabet, padded), so that cutting it
   * out loses nothing.
   */
  public static boolean canCut(byte[] served, int from, int to, byte[] body) {
    if (from < 0 || to > served.length || from > to) return false;
    byte[] text = Base64.getEncoder().encode(body);
    return Arrays.equals(served, from, to, text, 0, text.length);
  }

  /** {@code served} without {@code served[from, to)}. */
  public static byte[] cut(byte[] served, int from, int to) {
    byte[] out = new byte[served.length - (to - from)];
    System.arraycopy(served, 0, out, 0, from);
    System.arraycopy(served, to, out, from, served.length - to);
    return out;
  }

  /**
   * The entry's JSON exactly as served: {@code raw} itself, or with {@code base64(body)} put back at
   * {@code rawBodyAt}; null when the record has no raw (Rekor v2, an oversized entry).
   *
   * @throws IllegalArgumentException when {@code rawBodyAt} is outside {@code raw}
   */
  public static byte[] served(RekorEntry e) {
    ByteBuffer raw = e.getRaw();
    if (raw == null) return null;
    byte[] r = bytes(raw);
    Integer at = e.getRawBodyAt();
    if (at == null) return r;
    if (at < 0 || at > r.length) {
      throw new IllegalArgumentException("rawBodyAt " + at + " outside the " + r.length + " bytes of raw");
    }
    byte[] text = Base64.getEncoder().encode(bytes(e.getBody()));
    byte[] out = new byte[r.length + text.length];
    System.arraycopy(r, 0, out, 0, at);
    System.arraycopy(text, 0, out, at, text.length);
    System.arraycopy(r, at, out, at + text.length, r.length - at);
    return out;
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
