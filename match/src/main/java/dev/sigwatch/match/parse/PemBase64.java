package dev.sigwatch.match.parse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The base64 body of a PEM block, decoded exactly as {@link Base64#getMimeDecoder()} decodes it but without its
 * per-character overhead on the usual shape (the MIME decoder scans the input once to size its output, then decodes
 * through a general loop: 7% of matching an entry).
 *
 * <p>The fast path takes a body of alphabet characters and line breaks ({@code \r}, {@code \n}) whose alphabet
 * characters are a whole number of 4-character units, or that ends with the standard padding ({@code xx==} or
 * {@code xxx=}, the {@code =} together and followed only by line breaks). For such a body both decoders give the same
 * bytes. Anything else — other characters the MIME decoder skips, a missing or odd padding, a last unit of 1–3
 * characters without padding — goes to the MIME decoder itself, so what is accepted, what is rejected and every
 * error message stay as they were.
 *
 * <p>Stateless and thread-safe.
 */
final class PemBase64 {
  /** The value of each base64 alphabet character, -1 for a line break, -2 for anything else. */
  private static final byte[] VALUE = new byte[256];

  static {
    java.util.Arrays.fill(VALUE, (byte) -2);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUE[alphabet.charAt(i)] = (byte) i;
    }
    VALUE['\r'] = -1;
    VALUE['\n'] = -1;
  }

  private PemBase64() {}

  /**
   * The bytes {@code text[from, to)} (a PEM body, read as US-ASCII) decode to.
   *
   * @throws IllegalArgumentException as the MIME decoder does, when the body is not base64
   */
  static byte[] decode(byte[] text, int from, int to) {
    byte[] out = fast(text, from, to);
    return out != null ? out : mime(text, from, to);
  }

  /** What {@code Base64.getMimeDecoder().decode(new String(text, from, to - from, US_ASCII))} gives. */
  static byte[] mime(byte[] text, int from, int to) {
    return Base64.getMimeDecoder().decode(new String(text, from, to - from, StandardCharsets.US_ASCII));
  }

  /** The decoded body when it has the usual shape (see the class comment), else null. */
  static byte[] fast(byte[] text, int from, int to) {
    int chars = 0;
    int padding = 0;
    int i = from;
    for (; i < to; i++) {
      int v = VALUE[text[i] & 0xff];
      if (v >= 0) {
        chars++;
      } else if (v == -2) {
        break;
      }
    }
    if (i < to) { // stopped at a character outside the alphabet and the line breaks: only padding may follow
      int unit = chars & 3;
      if (text[i] != '=' || unit < 2) {
        return null;
      }
      padding = 4 - unit;
      for (int p = 0; p < padding; p++, i++) {
        if (i >= to || text[i] != '=') {
          return null;
        }
      }
      for (; i < to; i++) {
        if (VALUE[text[i] & 0xff] != -1) {
          return null;
        }
      }
    } else if ((chars & 3) != 0) {
      return null;
    }
    byte[] out = new byte[chars / 4 * 3 + (padding == 0 ? 0 : 3 - padding)];
    int o = 0;
    int bits = 0;
    int n = 0;
    for (int j = from; n < chars; j++) {
      int v = VALUE[text[j] & 0xff];
      if (v < 0) {
        continue;
      }
      bits = bits << 6 | v;
      if ((++n & 3) == 0) {
        out[o++] = (byte) (bits >> 16);
        out[o++] = (byte) (bits >> 8);
        out[o++] = (byte) bits;
        bits = 0;
      }
    }
    if (padding == 2) {
      out[o] = (byte) (bits >> 4);
    } else if (padding == 1) {
      out[o++] = (byte) (bits >> 10);
      out[o] = (byte) (bits >> 2);
    }
    return out;
  }
}
