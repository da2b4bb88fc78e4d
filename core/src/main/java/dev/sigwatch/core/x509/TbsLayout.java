package dev.sigwatch.core.x509;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;

/**
 * Where the TBSCertificate fields read for every entry sit in a certificate's DER bytes, so that they are read from
 * the bytes instead of through BouncyCastle's objects (its date parsing and re-encoding cost more than the rest of
 * the identity fields together). Only for a certificate BouncyCastle decoded with DER lengths: the fields are counted
 * as BouncyCastle's {@code TBSCertificate} counts them (a tagged first field is the version).
 *
 * @param issuer the issuer Name
 * @param notBefore the validity's first Time
 * @param notAfter the validity's second Time
 * @param subject the subject Name
 * @param spki the SubjectPublicKeyInfo
 */
record TbsLayout(Der.Tlv issuer, Der.Tlv notBefore, Der.Tlv notAfter, Der.Tlv subject, Der.Tlv spki) {
  private static final int SEQUENCE = 0x30;
  private static final int OID = 0x06;
  private static final int NULL = 0x05;
  private static final int BIT_STRING = 0x03;

  /** The layout of the TBS {@code tbs} of {@code der}, which BouncyCastle decoded as a certificate. */
  static TbsLayout of(byte[] der, Der.Tlv tbs) throws IOException {
    Der.Tlv[] fields = new Der.Tlv[7]; // [version], serial, signature, issuer, validity, subject, spki
    int pos = tbs.contentStart();
    int n = 0;
    while (n < fields.length && pos < tbs.end()) {
      Der.Tlv f = Der.tlv(der, pos, tbs.end());
      if (n == 0 && (f.tag() & 0xc0) == 0) {
        n = 1; // no version: BouncyCastle's seqStart = -1
      }
      fields[n++] = f;
      pos = f.end();
    }
    if (n < fields.length) {
      throw new IOException("TBSCertificate: " + n + " fields, want at least " + fields.length);
    }
    Der.Tlv validity = fields[4];
    Der.Tlv notBefore = Der.tlv(der, validity.contentStart(), validity.end());
    Der.Tlv notAfter = Der.tlv(der, notBefore.end(), validity.end());
    return new TbsLayout(fields[3], notBefore, notAfter, fields[5], fields[6]);
  }

  /** notBefore decoded from the bytes, or null when it is not in an RFC 5280 form. */
  Instant notBefore(byte[] der) {
    return time(der, notBefore);
  }

  /** notAfter decoded from the bytes, or null when it is not in an RFC 5280 form. */
  Instant notAfter(byte[] der) {
    return time(der, notAfter);
  }

  private static Instant time(byte[] der, Der.Tlv t) {
    return DerTime.decode(t.tag(), der, t.contentStart(), t.end());
  }

  /**
   * The SubjectPublicKeyInfo's bytes when they are what BouncyCastle's DER encoding of it gives, else null. That is
   * known for the shape of every EC, RSA and EdDSA key — {@code SEQUENCE {SEQUENCE {OID, OID or NULL (optional)},
   * BIT STRING with no unused bits}} with DER lengths — whose values BouncyCastle re-encodes as they came (an OID
   * from its contents octets, NULL as {@code 05 00}, a BIT STRING with no unused bits as it is). Anything else is
   * re-encoded by BouncyCastle.
   */
  byte[] spkiAsEncoded(byte[] der) {
    try {
      if (spki.tag() != SEQUENCE) {
        return null;
      }
      Der.Tlv alg = Der.tlv(der, spki.contentStart(), spki.end());
      if (alg.tag() != SEQUENCE || alg.end() == spki.end()) {
        return null;
      }
      Der.Tlv id = Der.tlv(der, alg.contentStart(), alg.end());
      if (id.tag() != OID) {
        return null;
      }
      if (id.end() < alg.end()) {
        Der.Tlv params = Der.tlv(der, id.end(), alg.end());
        boolean ok = params.end() == alg.end()
            && (params.tag() == OID || (params.tag() == NULL && params.end() == params.contentStart()));
        if (!ok) {
          return null;
        }
      }
      Der.Tlv key = Der.tlv(der, alg.end(), spki.end());
      if (key.tag() != BIT_STRING || key.end() != spki.end() || key.contentStart() == key.end()
          || der[key.contentStart()] != 0) {
        return null;
      }
    } catch (IOException e) {
      return null; // BouncyCastle decoded it, so this does not happen; its re-encoding decides
    }
    return Arrays.copyOfRange(der, spki.start(), spki.end());
  }
}
