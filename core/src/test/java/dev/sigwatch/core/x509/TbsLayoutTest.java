package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.fuzz.FuzzSeeds;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fields {@link ParsedCertificate} reads from the DER bytes ({@link TbsLayout}, {@link DerTime},
 * {@link Rfc2253Names}) against the way they were read before, through BouncyCastle's objects: validity, subject and
 * issuer in RFC 2253 form, the SubjectPublicKeyInfo's fingerprint — the same values, or the same error, for every
 * fixture certificate, every saved input of the certificate fuzz target, every fixture certificate with its validity
 * rewritten in each form BouncyCastle reads, and made certificates with GeneralizedTime, multi-valued names and
 * other key types.
 */
class TbsLayoutTest {

  static Stream<Path> corpus() throws Exception {
    Path dir = Path.of(TbsLayoutTest.class.getResource("CertificateFuzzTestInputs/certificate").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return Stream.concat(CertificateFuzzTest.certificateFiles(), s.sorted().toList().stream());
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void fixturesAndFuzzCorpusReadAsThroughBouncyCastle(Path file) throws Exception {
    ParsedCertificate cert;
    try {
      cert = ParsedCertificate.parse(FuzzSeeds.read(file));
    } catch (CertificateParseException notACertificate) {
      return;
    }
    assertSameAsBefore(cert);
  }

  /** The contents of a 13-octet UTCTime in each form: strict, lenient (BouncyCastle rolls it over), offsets. */
  private static final List<String> UTC_VARIANTS = List.of(
      "250101000000Z", "491231235959Z", "500101000000Z", "991231235959Z", "000229000000Z",
      "251301000000Z", "250230000000Z", "250101240000Z", "250101006000Z", "250101000060Z", "250100000000Z",
      "250101000000X", "2501010000+01", "2501010000-01", "250101000000+");

  @Test
  void fixtureCertificatesWithTheirValidityRewrittenReadAsBefore() throws Exception {
    int rewritten = 0;
    for (byte[] original : (Iterable<byte[]>) CertificateFuzzTest.certificates()::iterator) {
      byte[] der = ParsedCertificate.parse(original).der();
      Der.Tlv outer = Der.tlv(der, 0, der.length);
      TbsLayout layout = TbsLayout.of(der, Der.tlv(der, outer.contentStart(), outer.end()));
      for (Der.Tlv time : List.of(layout.notBefore(), layout.notAfter())) {
        if (time.tag() != DerTime.UTC_TIME || time.end() - time.contentStart() != 13) {
          continue;
        }
        for (String v : UTC_VARIANTS) {
          byte[] patched = der.clone();
          System.arraycopy(v.getBytes(StandardCharsets.US_ASCII), 0, patched, time.contentStart(), 13);
          ParsedCertificate cert;
          try {
            cert = ParsedCertificate.parse(patched);
          } catch (CertificateParseException e) {
            continue;
          }
          assertSameAsBefore(cert);
          rewritten++;
        }
      }
    }
    assertThat(rewritten).isGreaterThan(100);
  }

  @Test
  void madeCertificatesReadAsBefore() throws Exception {
    X500Name multiValued = new X500Name(BCStyle.INSTANCE, new org.bouncycastle.asn1.x500.RDN[] {
        org.bouncycastle.asn1.x500.RDN.getInstance(new DERSet(new ASN1Encodable[] {
            new DERSequence(new ASN1Encodable[] {BCStyle.OU, new DERUTF8String("b")}),
            new DERSequence(new ASN1Encodable[] {BCStyle.CN, new DERUTF8String("a, \"quoted\"")})})),
        org.bouncycastle.asn1.x500.RDN.getInstance(new DERSet(
            new DERSequence(new ASN1Encodable[] {BCStyle.O, new DERUTF8String("sigwatch")})))});
    List<ParsedCertificate> made = new ArrayList<>();
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      for (Time[] validity : List.of(
          new Time[] {new Time(new ASN1GeneralizedTime("20500101000000Z")),
              new Time(new ASN1GeneralizedTime("99991231235959Z"))},
          new Time[] {new Time(new ASN1UTCTime("250101000000Z")), new Time(new ASN1GeneralizedTime("20991231235959Z"))},
          new Time[] {new Time(new ASN1GeneralizedTime("20250101000000.5Z")),
              new Time(new ASN1GeneralizedTime("20260101000000+0100"))})) {
        made.add(make(algorithm, multiValued, validity));
        made.add(make(algorithm, new X500Name("CN=sigstore-intermediate,O=sigstore.dev"), validity));
      }
    }
    for (ParsedCertificate c : made) {
      assertSameAsBefore(c);
      assertSameAsBefore(c); // the second time from the names remembered
    }
  }

  private static ParsedCertificate make(String algorithm, X500Name name, Time[] validity) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("RSA")) {
      g.initialize(2048);
    }
    KeyPair k = g.generateKeyPair();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.TEN, validity[0], validity[1], name,
        SubjectPublicKeyInfo.getInstance(k.getPublic().getEncoded()));
    String sig = switch (algorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
    return ParsedCertificate.parse(b.build(new JcaContentSignerBuilder(sig).build(k.getPrivate())).getEncoded());
  }

  /** Each field from the bytes equals (or fails as) the same field through BouncyCastle's objects. */
  static void assertSameAsBefore(ParsedCertificate cert) {
    TBSCertificate tbs = cert.tbs();
    assertSame(() -> tbs.getStartDate().getDate().toInstant(), cert::notBefore);
    assertSame(() -> tbs.getEndDate().getDate().toInstant(), cert::notAfter);
    assertSame(() -> rfc2253(tbs.getSubject()), cert::subjectRfc2253);
    assertSame(() -> rfc2253(tbs.getIssuer()), cert::issuerRfc2253);
    assertSame(() -> HexFormat.of().formatHex(Certificates.sha256(
        tbs.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER))), cert::keyFingerprint);
  }

  private static String rfc2253(X500Name name) throws Exception {
    return new X500Principal(name.getEncoded(ASN1Encoding.DER)).getName(X500Principal.RFC2253);
  }

  interface Read {
    Object get() throws Exception;
  }

  private static void assertSame(Read before, Read now) {
    Object want;
    try {
      want = before.get();
    } catch (Exception e) {
      String why = "not an X.509 certificate: " + e.getMessage();
      try {
        Object got = now.get();
        throw new AssertionError("read " + got + " where BouncyCastle failed: " + why);
      } catch (CertificateParseException expected) {
        assertThat(expected).hasMessage(why);
        return;
      } catch (Exception other) {
        throw new AssertionError("failed differently", other);
      }
    }
    try {
      assertThat(now.get()).isEqualTo(want);
    } catch (Exception e) {
      throw new AssertionError("failed where BouncyCastle read " + want, e);
    }
  }
}
