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
    String ascii = asciiUtf8String(raw);
    if (ascii != null) {
      return ascii;
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

  /**
   * The value of a DER UTF8String whose contents are ASCII, read without BouncyCastle (what it reads there: ASCII is
   * UTF-8 as it is), or null for anything else — another tag, a length not in its shortest form, trailing bytes, a
   * byte over 0x7f — which BouncyCastle decodes as before. Fulcio's values are URLs, digests and names in ASCII: this
   * skips a BouncyCastle decode per extension.
   */
  static String asciiUtf8String(byte[] raw) {
    if (raw.length < 2 || raw[0] != 0x0c) {
      return null;
    }
    int from;
    int length;
    if ((raw[1] & 0x80) == 0) {
      from = 2;
      length = raw[1];
    } else if (raw[1] == (byte) 0x81 && raw.length > 2 && (raw[2] & 0x80) != 0) {
      from = 3;
      length = raw[2] & 0xff;
    } else {
      return null;
    }
    if (raw.length != from + length) {
      return null;
    }
    for (int i = from; i < raw.length; i++) {
      if (raw[i] < 0) {
        return null;
      }
    }
    return new String(raw, from, length, StandardCharsets.ISO_8859_1);
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
