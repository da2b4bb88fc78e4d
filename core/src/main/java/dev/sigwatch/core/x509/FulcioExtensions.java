package dev.sigwatch.core.x509;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x509.Extensions;

/** Reads the 1.3.6.1.4.1.57264.1.* extensions of a certificate. */
final class FulcioExtensions {
  private FulcioExtensions() {}

  /** Every Fulcio extension of {@code extensions} (null: none) by dotted OID. */
  static Map<String, FulcioExtension> read(Extensions extensions) throws CertificateParseException {
    Map<String, FulcioExtension> out = new HashMap<>();
    if (extensions == null) {
      return out;
    }
    for (ASN1ObjectIdentifier id : extensions.getExtensionOIDs()) {
      String oid = id.getId();
      int arc = FulcioOids.arc(oid);
      if (arc < 0) {
        continue;
      }
      byte[] raw = extensions.getExtension(id).getExtnValue().getOctets();
      out.put(oid, new FulcioExtension(oid, FulcioOids.name(oid), decode(oid, arc, raw)));
    }
    return out;
  }

  static String decode(String oid, int arc, byte[] raw) throws CertificateParseException {
    if (arc <= FulcioOids.LAST_RAW_ARC) {
      return utf8(oid, raw);
    }
    ASN1Primitive p;
    String notDer = "";
    try {
      p = Der.decode(raw);
    } catch (java.io.IOException | RuntimeException e) {
      p = null;
      notDer = " (" + e.getMessage() + ")";
    }
    // An undocumented arc accepts any DER string type; a documented one a UTF8String only.
    if (p instanceof ASN1UTF8String || (FulcioOids.name(oid).equals("unknown") && p instanceof ASN1String)) {
      try {
        return ((ASN1String) p).getString();
      } catch (IllegalArgumentException e) { // BouncyCastle's report of invalid UTF-8 (found by CertificateFuzzTest)
        throw new CertificateParseException("extension " + oid + " (" + FulcioOids.name(oid) + "): "
            + p.getClass().getSimpleName() + " is not a valid string: " + e.getMessage(), e);
      }
    }
    String got = raw.length == 0 ? "empty value" : String.format(java.util.Locale.ROOT, "tag 0x%02x", raw[0]);
    throw new CertificateParseException(
        "extension " + oid + " (" + FulcioOids.name(oid) + "): want DER UTF8String, got " + got + notDer);
  }

  private static String utf8(String oid, byte[] raw) throws CertificateParseException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CertificateParseException("extension " + oid + ": raw value is not UTF-8", e);
    }
  }
}
