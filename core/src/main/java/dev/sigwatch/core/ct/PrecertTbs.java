package dev.sigwatch.core.ct;

import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.Der;
import dev.sigwatch.core.x509.ParsedCertificate;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The precertificate TBSCertificate that a CT precert_entry logs (RFC 6962 §3.2): the TBS with the SCT-list
 * and poison extensions removed, in DER. A final certificate (as used in Rekor) and the CT precert entry it came
 * from share this TBS, so {@link #tbsHash} joins them.
 *
 * <p>A TBS in DER lengths is cut at the byte level: the removed extensions are left out and the three lengths
 * around them (TBSCertificate, [3], Extensions) rewritten, every other byte kept as it is. That is what a CT log
 * signs (certificate-transparency-go keeps the names' bytes) and, for a certificate in DER, exactly what decoding
 * and re-encoding gives — at a fraction of the cost, and without decoding the TBS a second time. A TBS with BER
 * lengths (indefinite, or not the shortest form) is decoded and re-encoded in DER instead.
 *
 * <p>Thread-safe: every method may be called concurrently.
 */
public final class PrecertTbs {
  private static final int EXTENSIONS_TAG = 3;
  /** Context-specific, constructed, tag number 3: the TBS's explicit [3] extensions. */
  private static final int EXTENSIONS = 0xa3;
  private static final int OID = 0x06;
  private static final int BOOLEAN = 0x01;
  private static final int OCTET_STRING = 0x04;
  /** The contents octets of the SCT-list and poison OIDs. */
  private static final byte[] SCT_LIST_OID = oidContents(SctList.OID);
  private static final byte[] POISON_OID = oidContents(SctList.POISON_OID);

  private PrecertTbs() {}

  /** The TBS of {@code cert} without its embedded SCT list (and poison, if any). */
  public static byte[] fromFinalCertificate(X509Certificate cert) throws CtFormatException {
    try {
      return strip(cert.getTBSCertificate());
    } catch (CertificateEncodingException e) {
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  /** The TBS of a decoded certificate without its embedded SCT list (and poison, if any). */
  public static byte[] fromFinalCertificate(ParsedCertificate cert) throws CtFormatException {
    byte[] tbs = cert.tbsDer();
    if (tbs != null) {
      try {
        return cut(tbs); // the certificate passed Der.checkNesting with DER lengths
      } catch (IOException e) {
        throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
      }
    }
    try {
      return reencoded(cert.tbs().toASN1Primitive());
    } catch (IOException | RuntimeException e) {
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  /** The TBS of a precertificate without its poison extension; same as {@link #fromFinalCertificate}. */
  public static byte[] fromPrecertificate(X509Certificate precert) throws CtFormatException {
    return fromFinalCertificate(precert);
  }

  /** Removes the SCT-list and poison extensions from a DER TBSCertificate and returns it in DER. */
  public static byte[] strip(byte[] tbsDer) throws CtFormatException {
    try {
      return Der.checkNesting(tbsDer, Der.MAX_DEPTH) ? cut(tbsDer) : reencoded(Der.decode(tbsDer));
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports a wrong type or shape as IllegalArgumentException / IllegalStateException.
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  /**
   * The byte-level cut of a TBS whose lengths are DER (checked by the caller). Two passes over the fields: the first
   * checks them and measures what is kept, the second writes it into an array of the right size.
   */
  private static byte[] cut(byte[] b) throws IOException {
    Der.Tlv tbs = Der.tlv(b, 0, b.length);
    if (!tbs.isSequence() || tbs.end() != b.length) {
      throw new IOException(tbs.end() != b.length ? "trailing data after the TBSCertificate"
          : String.format(Locale.ROOT, "want a SEQUENCE, got tag 0x%02x", tbs.tag()));
    }
    int length = fields(b, tbs, null, 0);
    byte[] out = new byte[Der.headerLength(length) + length];
    fields(b, tbs, out, Der.writeHeader(out, 0, 0x30, length));
    return out;
  }

  /**
   * The total length of the TBS's fields once the SCT list and poison are cut out; when {@code out} is not null they
   * are also written there from {@code at} ({@code [3]} and its SEQUENCE with their new lengths).
   */
  private static int fields(byte[] b, Der.Tlv tbs, byte[] out, int at) throws IOException {
    int o = at;
    for (int pos = tbs.contentStart(); pos < tbs.end(); ) {
      Der.Tlv field = Der.tlv(b, pos, tbs.end());
      if (field.tag() == EXTENSIONS) {
        int kept = keptExtensions(b, field, null, 0);
        if (kept > 0) {
          int seq = Der.headerLength(kept) + kept;
          if (out == null) {
            o += Der.headerLength(seq) + seq;
          } else {
            o = Der.writeHeader(out, o, EXTENSIONS, seq);
            o = Der.writeHeader(out, o, 0x30, kept);
            o += keptExtensions(b, field, out, o);
          }
        }
      } else if ((field.tag() & 0xdf) == (0x80 | EXTENSIONS_TAG)) {
        throw new IOException("extensions [3] must be explicitly tagged");
      } else {
        if (out != null) {
          System.arraycopy(b, field.start(), out, o, field.end() - field.start());
        }
        o += field.end() - field.start();
      }
      pos = field.end();
    }
    return o - at;
  }

  /**
   * The total length of the Extension values of {@code [3]} other than the SCT list and the poison; when {@code out}
   * is not null they are also copied there, in order, from {@code at}.
   */
  private static int keptExtensions(byte[] b, Der.Tlv explicit, byte[] out, int at) throws IOException {
    Der.Tlv list = Der.tlv(b, explicit.contentStart(), explicit.end());
    if (!list.isSequence() || list.end() != explicit.end()) {
      throw new IOException("extensions [3] must hold one SEQUENCE of Extension");
    }
    int kept = 0;
    for (int pos = list.contentStart(); pos < list.end(); ) {
      Der.Tlv ext = Der.tlv(b, pos, list.end());
      if (!ext.isSequence()) {
        throw new IOException(String.format(Locale.ROOT, "Extension: want a SEQUENCE, got tag 0x%02x", ext.tag()));
      }
      Der.Tlv id = extension(b, ext);
      if (!Arrays.equals(b, id.contentStart(), id.end(), SCT_LIST_OID, 0, SCT_LIST_OID.length)
          && !Arrays.equals(b, id.contentStart(), id.end(), POISON_OID, 0, POISON_OID.length)) {
        int n = ext.end() - ext.start();
        if (out != null) {
          System.arraycopy(b, ext.start(), out, at + kept, n);
        }
        kept += n;
      }
      pos = ext.end();
    }
    return kept;
  }

  /** Checks that {@code ext} is {@code Extension ::= SEQUENCE {OID, BOOLEAN OPTIONAL, OCTET STRING}}; its OID. */
  private static Der.Tlv extension(byte[] b, Der.Tlv ext) throws IOException {
    Der.Tlv id = Der.tlv(b, ext.contentStart(), ext.end());
    if (id.tag() != OID || id.end() == id.contentStart()) {
      throw new IOException("Extension: want an OBJECT IDENTIFIER first");
    }
    Der.Tlv next = Der.tlv(b, id.end(), ext.end());
    if (next.tag() == BOOLEAN) {
      next = Der.tlv(b, next.end(), ext.end());
    }
    if (next.tag() != OCTET_STRING || next.end() != ext.end()) {
      throw new IOException("Extension: want OID, optional BOOLEAN, OCTET STRING");
    }
    return id;
  }

  /** Decodes and re-encodes in DER without the SCT list and poison (a TBS with BER lengths). */
  private static byte[] reencoded(ASN1Primitive der) throws IOException {
    ASN1Sequence tbs = ASN1Sequence.getInstance(der);
    ASN1EncodableVector out = new ASN1EncodableVector();
    for (ASN1Encodable field : tbs) {
      if (field instanceof ASN1TaggedObject t && t.getTagClass() == BERTags.CONTEXT_SPECIFIC
          && t.getTagNo() == EXTENSIONS_TAG) {
        List<ASN1Encodable> kept = new ArrayList<>();
        for (ASN1Encodable ext : ASN1Sequence.getInstance(t.getExplicitBaseObject())) {
          String oid = Extension.getInstance(ext).getExtnId().getId();
          if (!oid.equals(SctList.OID) && !oid.equals(SctList.POISON_OID)) {
            kept.add(ext);
          }
        }
        if (!kept.isEmpty()) {
          out.add(new DERTaggedObject(true, EXTENSIONS_TAG, new DERSequence(kept.toArray(new ASN1Encodable[0]))));
        }
      } else {
        out.add(field);
      }
    }
    return new DERSequence(out).getEncoded(ASN1Encoding.DER);
  }

  /** The decode-and-re-encode path on any TBS, for tests comparing it with the byte-level cut. */
  static byte[] stripByReencoding(byte[] tbsDer) throws CtFormatException {
    try {
      return reencoded(Der.decode(tbsDer));
    } catch (IOException | RuntimeException e) {
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  private static byte[] oidContents(String oid) {
    try {
      byte[] enc = new ASN1ObjectIdentifier(oid).getEncoded(ASN1Encoding.DER);
      return Arrays.copyOfRange(enc, 2, enc.length);
    } catch (IOException e) {
      throw new IllegalStateException("encoding a constant OID", e);
    }
  }

  /** SHA-256 of the issuer's DER SubjectPublicKeyInfo: the issuer_key_hash of a precert entry. */
  public static byte[] issuerKeyHash(PublicKey issuerKey) {
    return sha256(issuerKey.getEncoded());
  }

  /** Lower-case hex SHA-256 of a TBS: the key that joins a CT precert entry and a Rekor certificate. */
  public static String tbsHash(byte[] tbs) {
    return HexFormat.of().formatHex(sha256(tbs));
  }

  private static byte[] sha256(byte[] b) {
    return Certificates.sha256(b); // a digest per thread: MessageDigest.getInstance per call was half the cost
  }
}
