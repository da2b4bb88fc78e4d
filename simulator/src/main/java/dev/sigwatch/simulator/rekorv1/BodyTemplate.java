package dev.sigwatch.simulator.rekorv1;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A canonical Rekor v1 entry body with one hex SHA-256 slot (the artifact or payload digest): body = prefix ‖
 * slot(digest) ‖ suffix, slot = lowercase hex (Rekor v1) or base64 (Rekor v2). Sharing a template across entries keeps half a million entries in tens of MB.
 */
public record BodyTemplate(String kind, byte[] prefix, byte[] suffix, boolean base64Slot) {
  public BodyTemplate {
    prefix = prefix.clone();
    suffix = suffix.clone();
  }

  public static BodyTemplate of(String kind, String prefix, String suffix) {
    return new BodyTemplate(kind, prefix.getBytes(StandardCharsets.UTF_8), suffix.getBytes(StandardCharsets.UTF_8), false);
  }

  public static BodyTemplate base64(String kind, String prefix, String suffix) {
    return new BodyTemplate(kind, prefix.getBytes(StandardCharsets.UTF_8), suffix.getBytes(StandardCharsets.UTF_8), true);
  }

  /** The body bytes for {@code digest} (32 bytes). */
  public byte[] render(byte[] digest) {
    byte[] hex = (base64Slot ? java.util.Base64.getEncoder().encodeToString(digest) : HexFormat.of().formatHex(digest))
        .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + hex.length + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(hex, 0, out, prefix.length, hex.length);
    System.arraycopy(suffix, 0, out, prefix.length + hex.length, suffix.length);
    return out;
  }
}
