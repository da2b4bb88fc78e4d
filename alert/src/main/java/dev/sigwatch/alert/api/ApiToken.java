package dev.sigwatch.alert.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One API bearer token as the server keeps it: a name (recorded as who acknowledged or resolved an alert), a scope,
 * and the SHA-256 of the token — never the token itself, so a leaked config or store does not leak a credential.
 * Tokens are 32 random bytes, so a plain (unsalted, fast) hash is enough: there is nothing to brute-force.
 *
 * @param name who holds the token, e.g. {@code ops} or {@code dashboard}; letters, digits, {@code ._@-}
 * @param scope what the token may do
 * @param sha256Hex lower-case hex SHA-256 of the token's UTF-8 bytes
 */
public record ApiToken(String name, Scope scope, String sha256Hex) {
  /** Prefix of generated tokens, so one found in a log or a repository is recognizable. */
  public static final String PREFIX = "swt_";

  public ApiToken {
    if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw new IllegalArgumentException("token name must be 1-64 of letters, digits and ._@-, was '" + name + "'");
    }
    if (scope == null) {
      throw new IllegalArgumentException("token " + name + ": scope must be read or admin");
    }
    if (sha256Hex == null || !sha256Hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("token " + name + ": sha256 must be 64 hex digits (the SHA-256 of the "
          + "token, as printed by 'sigwatch api token'), was '" + sha256Hex + "'");
    }
    sha256Hex = sha256Hex.toLowerCase(java.util.Locale.ROOT);
  }

  /** A new random token ({@code swt_} + 43 base64url characters). */
  public static String generate() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Lower-case hex SHA-256 of {@code token}'s UTF-8 bytes. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Whether {@code presentedSha256} is this token's hash, compared in constant time. */
  boolean matches(byte[] presentedSha256) {
    return MessageDigest.isEqual(HexFormat.of().parseHex(sha256Hex), presentedSha256);
  }
}
