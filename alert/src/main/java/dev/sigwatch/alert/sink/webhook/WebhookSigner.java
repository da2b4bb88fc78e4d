package dev.sigwatch.alert.sink.webhook;

import dev.sigwatch.alert.sink.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (standardwebhooks.com): {@code webhook-signature} is a space-separated list of
 * {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}, one per secret. A secret is written
 * {@code whsec_<base64 key>} (a secret without the prefix is taken as base64 too). Rotation: configure the new secret
 * beside the old one; each request is signed with both, so a receiver that still knows only the old secret (or
 * already only the new one) accepts it. Immutable and thread-safe.
 */
public final class WebhookSigner {
  static final String PREFIX = "whsec_";
  private final List<byte[]> keys;

  /** @throws IllegalArgumentException if a secret is not base64 (without saying what it was) */
  public WebhookSigner(List<Secret> secrets) {
    List<byte[]> k = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      k.add(key(secrets.get(i), i));
    }
    this.keys = List.copyOf(k);
  }

  private static byte[] key(Secret s, int i) {
    String v = s.value().startsWith(PREFIX) ? s.value().substring(PREFIX.length()) : s.value();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secrets[" + i + "] is not whsec_ followed by base64 (a Standard Webhooks "
          + "secret, e.g. from `echo whsec_$(head -c 32 /dev/urandom | base64)`)");
    }
    if (key.length < 16) throw new IllegalArgumentException("secrets[" + i + "] is shorter than 16 bytes");
    return key;
  }

  public boolean signs() {
    return !keys.isEmpty();
  }

  /** The {@code webhook-signature} header value: one {@code v1,...} per secret, space-separated. */
  public String signature(String id, long timestampSeconds, String body) {
    byte[] content = (id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    for (byte[] key : keys) {
      if (sb.length() > 0) sb.append(' ');
      sb.append("v1,").append(Base64.getEncoder().encodeToString(hmac(key, content)));
    }
    return sb.toString();
  }

  static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    }
  }
}
