package dev.sigwatch.match.parse;

import dev.sigwatch.core.x509.Der;
import dev.sigwatch.core.x509.ParsedCertificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * Certificate extensions outside the Fulcio arc, so that {@code oidExtensions} / {@code customExtensions} rules on
 * any OID can match. Stored in {@code IdentityEvent.extensions} under the dotted OID:
 * <ul>
 *   <li>as text when the extension value is one DER string (UTF8String, PrintableString, IA5String, ...);</li>
 *   <li>otherwise as lower-case hex of the extension's inner bytes (the OCTET STRING contents, i.e. exactly what
 *       the issuer encoded), so a rule can still match a binary value exactly.</li>
 * </ul>
 * Skipped: the Fulcio arc {@code 1.3.6.1.4.1.57264.1} (read by core with its own per-arc encoding rules), the
 * standard X.509 arc {@code 2.5.29} (SANs, key usage... are identity fields of their own), the CT poison and SCT
 * list ({@code 1.3.6.1.4.1.11129.2.4.*}, large and not an identity) and authority/subject information access.
 * Stateless and thread-safe.
 */
final class CustomExtensions {
  static final String FULCIO_ARC = "1.3.6.1.4.1.57264.1.";
  private static final Set<String> SKIPPED_PREFIXES = Set.of(FULCIO_ARC, "2.5.29.", "1.3.6.1.4.1.11129.2.4.");
  private static final Set<String> SKIPPED = Set.of("1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.11");

  static {
    // Parsed OIDs found in BouncyCastle's pool come with their dotted form known (the standard 2.5.29.* ones are
    // pooled by BouncyCastle itself): these two are in every Fulcio certificate.
    new ASN1ObjectIdentifier(dev.sigwatch.core.ct.SctList.OID).intern();
    new ASN1ObjectIdentifier(dev.sigwatch.core.ct.SctList.POISON_OID).intern();
  }

  private CustomExtensions() {}

  /** Adds every non-skipped extension of {@code cert} to {@code into}; existing keys are kept. */
  static void read(ParsedCertificate cert, Map<String, String> into) {
    Extensions extensions = cert.tbs().getExtensions();
    if (extensions == null) {
      return;
    }
    for (ASN1ObjectIdentifier id : extensions.getExtensionOIDs()) {
      String oid = id.getId();
      if (skipped(oid) || into.containsKey(oid)) {
        continue;
      }
      into.put(oid, decode(extensions.getExtension(id).getExtnValue().getOctets()));
    }
  }

  static boolean skipped(String oid) {
    if (SKIPPED.contains(oid)) {
      return true;
    }
    for (String p : SKIPPED_PREFIXES) {
      if (oid.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Text of a single DER string, else hex of the bytes. */
  static String decode(byte[] inner) {
    try {
      ASN1Primitive p = Der.decode(inner);
      if (p instanceof ASN1String s && !(p instanceof org.bouncycastle.asn1.ASN1BitString)) {
        return s.getString();
      }
    } catch (java.io.IOException | RuntimeException notDer) {
      // raw bytes: fall through to hex
    }
    return HexFormat.of().formatHex(inner);
  }
}
