package dev.sigwatch.match.parse;

import dev.sigwatch.core.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** OpenSSH public keys ({@code ssh-ed25519 AAAA... comment}): fingerprint as {@code ssh-keygen -l} prints it. */
final class SshKeys {
  private SshKeys() {}

  static boolean looksLike(String text) {
    return text.startsWith("ssh-") || text.startsWith("ecdsa-sha2-") || text.startsWith("sk-");
  }

  /** Parses one authorized_keys line: {@code SHA256:<unpadded base64 of SHA-256(blob)>}, subject = the comment. */
  static Signer.Key parse(String line) throws EntryParseException {
    String[] parts = line.trim().split("\\s+", 3);
    if (parts.length < 2) {
      throw new EntryParseException("ssh public key: want '<type> <base64> [comment]', got " + parts.length + " field(s)");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new EntryParseException("ssh public key: key blob is not base64: " + e.getMessage(), e);
    }
    if (blob.length < 4) {
      throw new EntryParseException("ssh public key: blob of " + blob.length + " bytes is too short");
    }
    int n = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
    if (n < 0 || 4 + n > blob.length
        || !new String(blob, 4, n, StandardCharsets.US_ASCII).equals(parts[0])) {
      throw new EntryParseException("ssh public key: blob does not start with its type '" + parts[0] + "'");
    }
    String fp = "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(Certificates.sha256(blob));
    List<String> subjects = parts.length == 3 && !parts[2].isBlank() ? List.of(parts[2].trim()) : List.of();
    return new Signer.Key("ssh", List.of(fp), subjects);
  }
}
