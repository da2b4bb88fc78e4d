package dev.sigwatch.core.x509;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x509.Extensions;

/** Reads the 1.3.6.1.4.1.57264.1.* extensions of a certificate. */
final class FulcioExtensions {
  private FulcioExtensions() {}

  /** The OIDs of arcs 1 to this, interned in BouncyCastle's pool (see {@link #read}). */
  static final int INTERNED_ARCS = 64;

  static {
    // A parsed OID found in BouncyCastle's pool is that pooled object, whose dotted form is already known: without
    // this every certificate's ~15 Fulcio OIDs were converted to text anew (4% of matching an entry).
    for (int arc = 1; arc <= INTERNED_ARCS; arc++) {
      new ASN1ObjectIdentifier(FulcioOids.ARC + arc).intern();
    }
  }

  /** Every Fulcio extension of {@code extensions} (null: none), ordered by arc. */
  static Map<String, FulcioExtension> read(Extensions extensions) throws CertificateParseException {
    if (extensions == null) {
      return ArcOrderedExtensions.ofDistinct(new FulcioExtension[0], 0);
    }
    ASN1ObjectIdentifier[] ids = extensions.getExtensionOIDs();
    FulcioExtension[] out = new FulcioExtension[ids.length];
    int n = 0;
    for (ASN1ObjectIdentifier id : ids) {
      String oid = id.getId();
      int arc = FulcioOids.arc(oid);
      if (arc < 0) {
        continue;
      }
      byte[] raw = extensions.getExtension(id).getExtnValue().getOctets();
      out[n++] = new FulcioExtension(oid, FulcioOids.name(arc), decode(oid, arc, raw));
    }
    return ArcOrderedExtensions.ofDistinct(out, n);
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
    String name = FulcioOids.name(arc);
    if (p instanceof ASN1UTF8String || (name.equals("unknown") && p instanceof ASN1String)) {
      try {
        return ((ASN1String) p).getString();
      } catch (IllegalArgumentException e) { // BouncyCastle's report of invalid UTF-8 (found by CertificateFuzzTest)
        throw new CertificateParseException("extension " + oid + " (" + name + "): "
            + p.getClass().getSimpleName() + " is not a valid string: " + e.getMessage(), e);
      }
    }
    String got = raw.length == 0 ? "empty value" : String.format(java.util.Locale.ROOT, "tag 0x%02x", raw[0]);
    throw new CertificateParseException(
        "extension " + oid + " (" + name + "): want DER UTF8String, got " + got + notDer);
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
