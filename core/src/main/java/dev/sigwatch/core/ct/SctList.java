package dev.sigwatch.core.ct;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;

/**
 * RFC 6962 §3.3 SignedCertificateTimestampList, as embedded in a final certificate's extension
 * 1.3.6.1.4.1.11129.2.4.2 (an OCTET STRING holding the TLS-encoded list).
 */
public final class SctList {
  /** The embedded SCT list extension. */
  public static final String OID = "1.3.6.1.4.1.11129.2.4.2";
  /** The precertificate poison extension (critical, NULL). */
  public static final String POISON_OID = "1.3.6.1.4.1.11129.2.4.3";

  private SctList() {}

  /** Decodes a TLS SignedCertificateTimestampList. An empty list is an error (the RFC requires one SCT). */
  public static List<Sct> parse(byte[] tlsList) throws CtFormatException {
    TlsReader outer = new TlsReader(tlsList);
    TlsReader list = outer.sub(2, "sct_list");
    outer.expectEnd("SignedCertificateTimestampList");
    List<Sct> out = new ArrayList<>();
    while (list.remaining() > 0) {
      TlsReader one = list.sub(2, "SerializedSCT");
      out.add(Sct.read(one));
      one.expectEnd("SerializedSCT");
    }
    if (out.isEmpty()) {
      throw new CtFormatException("sct_list: empty, want at least one SCT");
    }
    return List.copyOf(out);
  }

  /** The SCTs embedded in {@code cert}; empty if it has no SCT list extension. */
  public static List<Sct> fromCertificate(X509Certificate cert) throws CtFormatException {
    byte[] ext = cert.getExtensionValue(OID);
    if (ext == null) {
      return List.of();
    }
    try {
      byte[] inner = ASN1OctetString.getInstance(ext).getOctets();
      return parse(ASN1OctetString.getInstance(inner).getOctets());
    } catch (IllegalArgumentException e) {
      throw new CtFormatException("SCT list extension: want OCTET STRING in extnValue, " + e.getMessage(), e);
    }
  }

  /** The SCTs embedded in a decoded certificate; empty if it has no SCT list extension. */
  public static List<Sct> fromCertificate(dev.sigwatch.core.x509.ParsedCertificate cert) throws CtFormatException {
    org.bouncycastle.asn1.x509.Extension ext = cert.extension(OID);
    if (ext == null) {
      return List.of();
    }
    try {
      return parse(ASN1OctetString.getInstance(
          dev.sigwatch.core.x509.Der.decode(ext.getExtnValue().getOctets())).getOctets());
    } catch (IOException | IllegalArgumentException e) {
      throw new CtFormatException("SCT list extension: want OCTET STRING in extnValue, " + e.getMessage(), e);
    }
  }

  /** The TLS SignedCertificateTimestampList of {@code scts} (at least one). */
  public static byte[] encode(List<Sct> scts) {
    if (scts.isEmpty()) {
      throw new IllegalArgumentException("an SCT list needs at least one SCT");
    }
    TlsWriter list = new TlsWriter();
    for (Sct sct : scts) {
      list.opaque(sct.encode(), 2);
    }
    return new TlsWriter().opaque(list.toByteArray(), 2).toByteArray();
  }

  /**
   * The DER extension value (an OCTET STRING of {@link #encode}) to embed with extension {@link #OID} in a
   * final certificate, e.g. with BouncyCastle's {@code X509v3CertificateBuilder.addExtension(oid, false,
   * value)}.
   */
  public static byte[] encodeExtensionValue(List<Sct> scts) {
    try {
      return new DEROctetString(encode(scts)).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory cannot fail", e);
    }
  }
}
