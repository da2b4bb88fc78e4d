package dev.sigwatch.core.trust;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A transparency log (Rekor or CT) of a trusted root.
 *
 * @param logId the log ID as the trusted root states it (usually SHA-256 of the key; never
 *     recomputed, since some logs, e.g. staging {@code ctfe.sigstage.dev/test}, differ)
 * @param baseUrl the log's base URL
 * @param key the log's public key
 * @param keyType the trusted root's {@code keyDetails}, e.g. {@code PKIX_ED25519}
 * @param validFrom start of the key's validity
 * @param validUntil end of the key's validity (exclusive), or null if still valid
 */
public record LogKey(
    byte[] logId, String baseUrl, PublicKey key, String keyType, Instant validFrom, Instant validUntil) {
  public LogKey {
    Objects.requireNonNull(logId, "logId");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(validFrom, "validFrom");
    if (logId.length == 0) {
      throw new IllegalArgumentException("log ID must not be empty");
    }
    if (validUntil != null && validUntil.isBefore(validFrom)) {
      throw new IllegalArgumentException("key of " + baseUrl + " expires before it starts");
    }
    logId = logId.clone();
  }

  @Override
  public byte[] logId() {
    return logId.clone();
  }

  /** Whether the key was valid at {@code at}: validFrom &lt;= at &lt; validUntil. */
  public boolean isValidAt(Instant at) {
    return !at.isBefore(validFrom) && (validUntil == null || at.isBefore(validUntil));
  }

  /** The base URL without scheme and trailing slash: a Rekor v2 checkpoint origin. */
  public String urlWithoutScheme() {
    String u = baseUrl;
    int scheme = u.indexOf("://");
    if (scheme >= 0) {
      u = u.substring(scheme + 3);
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /** The host of the base URL: the key name of a Rekor v1 checkpoint. */
  public String host() {
    String u = urlWithoutScheme();
    int slash = u.indexOf('/');
    return slash < 0 ? u : u.substring(0, slash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogKey k
        && Arrays.equals(k.logId, logId)
        && k.baseUrl.equals(baseUrl)
        && k.key.equals(key)
        && k.keyType.equals(keyType)
        && k.validFrom.equals(validFrom)
        && Objects.equals(k.validUntil, validUntil);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(logId), baseUrl, key, keyType, validFrom, validUntil);
  }

  @Override
  public String toString() {
    return "LogKey[" + baseUrl + ", logId=" + Base64.getEncoder().encodeToString(logId) + ", " + keyType
        + ", " + validFrom + " .. " + (validUntil == null ? "" : validUntil) + "]";
  }
}
