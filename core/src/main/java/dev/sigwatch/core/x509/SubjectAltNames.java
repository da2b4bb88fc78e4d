package dev.sigwatch.core.x509;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Reads the subjectAltName extension (2.5.29.17). */
final class SubjectAltNames {
  private SubjectAltNames() {}

  /** Reads the contents of a subjectAltName extnValue OCTET STRING (a DER GeneralNames). */
  static List<SubjectAltName> fromExtnValue(byte[] der) throws CertificateParseException {
    GeneralNames names;
    try {
      names = GeneralNames.getInstance(Der.decode(der));
    } catch (IOException | RuntimeException e) {
      throw new CertificateParseException("subjectAltName: not a GeneralNames sequence: " + e.getMessage(), e);
    }
    List<SubjectAltName> out = new ArrayList<>();
    for (GeneralName n : names.getNames()) {
      SubjectAltName san;
      try {
        san = convert(n);
      } catch (RuntimeException e) {
        throw new CertificateParseException("subjectAltName: malformed GeneralName [" + n.getTagNo() + "]", e);
      }
      if (san != null) {
        out.add(san);
      }
    }
    return out;
  }

  private static SubjectAltName convert(GeneralName n) throws CertificateParseException {
    ASN1Encodable v = n.getName();
    switch (n.getTagNo()) {
      case GeneralName.rfc822Name:
        return SubjectAltName.of(SubjectAltName.Type.EMAIL, ((ASN1String) v).getString());
      case GeneralName.dNSName:
        return SubjectAltName.of(SubjectAltName.Type.DNS, ((ASN1String) v).getString());
      case GeneralName.uniformResourceIdentifier:
        return SubjectAltName.of(SubjectAltName.Type.URI, ((ASN1String) v).getString());
      case GeneralName.iPAddress:
        return SubjectAltName.of(SubjectAltName.Type.IP, ip(ASN1OctetString.getInstance(v).getOctets()));
      case GeneralName.directoryName:
        return SubjectAltName.of(SubjectAltName.Type.DIRECTORY_NAME, X500Name.getInstance(v).toString());
      case GeneralName.otherName:
        return otherName(ASN1Sequence.getInstance(v));
      default:
        return null; // x400Address, ediPartyName, registeredID: never issued by Fulcio
    }
  }

  private static SubjectAltName otherName(ASN1Sequence seq) throws CertificateParseException {
    if (seq.size() != 2) {
      throw new CertificateParseException("otherName: want 2 elements, got " + seq.size());
    }
    String typeId = ASN1ObjectIdentifier.getInstance(seq.getObjectAt(0)).getId();
    ASN1Encodable value = ASN1TaggedObject.getInstance(seq.getObjectAt(1)).getExplicitBaseObject();
    if (!(value instanceof ASN1String s)) {
      throw new CertificateParseException("otherName " + typeId + ": want a string value, got "
          + value.getClass().getSimpleName());
    }
    return new SubjectAltName(SubjectAltName.Type.OTHER_NAME, s.getString(), typeId);
  }

  private static String ip(byte[] addr) throws CertificateParseException {
    try {
      return InetAddress.getByAddress(addr).getHostAddress();
    } catch (UnknownHostException e) {
      throw new CertificateParseException("iPAddress SAN: want 4 or 16 bytes, got " + addr.length, e);
    }
  }
}
