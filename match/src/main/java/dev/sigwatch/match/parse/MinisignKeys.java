package dev.sigwatch.match.parse;

import dev.sigwatch.core.x509.Certificates;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * minisign public keys: base64 of {@code "Ed" ‖ key id (8 bytes, little-endian) ‖ Ed25519 key (32 bytes)}, optionally
 * after an {@code untrusted comment:} line. Fingerprints: the key id as minisign prints it (upper-case hex) and the
 * hex SHA-256 of the raw Ed25519 key.
 */
final class MinisignKeys {
  private static final int LENGTH = 42;

  private MinisignKeys() {}

  static boolean looksLike(String text) {
    String line = lastLine(text);
    return line.startsWith("RW") && line.length() == 56;
  }

  /**
   * {@link #looksLike(String)} of the bytes read as ISO-8859-1 (one character per byte), without building the
   * string: the last line of the trimmed text, trimmed, is 56 characters starting with {@code RW}.
   */
  static boolean looksLike(byte[] text) {
    int end = text.length;
    while (end > 0 && (text[end - 1] & 0xff) <= ' ') {
      end--;
    }
    int start = 0;
    while (start < end && (text[start] & 0xff) <= ' ') {
      start++;
    }
    int line = start;
    for (int i = end - 1; i >= start; i--) {
      if (text[i] == '\n') {
        line = i + 1;
        break;
      }
    }
    while (line < end && (text[line] & 0xff) <= ' ') {
      line++;
    }
    return end - line == 56 && text[line] == 'R' && text[line + 1] == 'W';
  }

  static Signer.Key parse(String text) throws EntryParseException {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(lastLine(text));
    } catch (IllegalArgumentException e) {
      throw new EntryParseException("minisign public key: not base64: " + e.getMessage(), e);
    }
    if (raw.length != LENGTH || raw[0] != 'E' || raw[1] != 'd') {
      throw new EntryParseException(String.format(Locale.ROOT,
          "minisign public key: want %d bytes starting with 'Ed', got %d bytes", LENGTH, raw.length));
    }
    byte[] id = Arrays.copyOfRange(raw, 2, 10);
    byte[] reversed = new byte[8];
    for (int i = 0; i < 8; i++) {
      reversed[i] = id[7 - i];
    }
    String keyId = HexFormat.of().withUpperCase().formatHex(reversed);
    String keyHash = HexFormat.of().formatHex(Certificates.sha256(Arrays.copyOfRange(raw, 10, LENGTH)));
    return new Signer.Key("minisign", List.of(keyId, keyHash), List.of());
  }

  private static String lastLine(String text) {
    String t = text.trim();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1).trim();
  }
}
