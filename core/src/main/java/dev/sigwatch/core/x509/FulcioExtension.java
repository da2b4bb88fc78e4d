package dev.sigwatch.core.x509;

import java.util.Objects;

/**
 * One Fulcio (1.3.6.1.4.1.57264.1.*) certificate extension.
 *
 * @param oid dotted OID
 * @param name its name in Fulcio's oid-info.md, {@code "unknown"} for an undocumented arc
 * @param value decoded text: the raw UTF-8 bytes for 1.1–1.6, the DER string's value for 1.8 and above
 */
public record FulcioExtension(String oid, String name, String value) {
  public FulcioExtension {
    Objects.requireNonNull(oid, "oid");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (FulcioOids.arc(oid) < 0) {
      throw new IllegalArgumentException("not a Fulcio extension OID: " + oid);
    }
  }
}
