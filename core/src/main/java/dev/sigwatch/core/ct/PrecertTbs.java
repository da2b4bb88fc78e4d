package dev.sigwatch.core.ct;

import dev.sigwatch.core.x509.Der;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The precertificate TBSCertificate that a CT precert_entry logs (RFC 6962 §3.2): the TBS with the SCT-list
 * and poison extensions removed, re-encoded in DER. A final certificate (as used in Rekor) and the CT
 * precert entry it came from share this TBS, so {@link #tbsHash} joins them.
 *
 * <p>Thread-safe: every method may be called concurrently.
 */
public final class PrecertTbs {
  private static final int EXTENSIONS_TAG = 3;

  private PrecertTbs() {}

  /** The TBS of {@code cert} without its embedded SCT list (and poison, if any). */
  public static byte[] fromFinalCertificate(X509Certificate cert) throws CtFormatException {
    try {
      return strip(cert.getTBSCertificate());
    } catch (CertificateEncodingException e) {
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  /** The TBS of a precertificate without its poison extension; same as {@link #fromFinalCertificate}. */
  public static byte[] fromPrecertificate(X509Certificate precert) throws CtFormatException {
    return fromFinalCertificate(precert);
  }

  /** Removes the SCT-list and poison extensions from a DER TBSCertificate and re-encodes it as DER. */
  public static byte[] strip(byte[] tbsDer) throws CtFormatException {
    try {
      return stripChecked(Der.decode(tbsDer));
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports a wrong type or shape as IllegalArgumentException / IllegalStateException.
      throw new CtFormatException("TBSCertificate: " + e.getMessage(), e);
    }
  }

  private static byte[] stripChecked(ASN1Primitive der) throws IOException {
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

  /** SHA-256 of the issuer's DER SubjectPublicKeyInfo: the issuer_key_hash of a precert entry. */
  public static byte[] issuerKeyHash(PublicKey issuerKey) {
    return sha256(issuerKey.getEncoded());
  }

  /** Lower-case hex SHA-256 of a TBS: the key that joins a CT precert entry and a Rekor certificate. */
  public static String tbsHash(byte[] tbs) {
    return HexFormat.of().formatHex(sha256(tbs));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
