package dev.sigwatch.core.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.fuzz.FuzzSeeds;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.Der;
import dev.sigwatch.core.x509.ParsedCertificate;
import dev.sigwatch.core.x509.TestCa;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte-level cut of {@link PrecertTbs} against decoding and re-encoding (the way it was computed before): the
 * same bytes for every TBS in DER, whatever the position of the removed extensions.
 */
class PrecertTbsCutTest {

  static Stream<Path> certificates() {
    return Stream.concat(FuzzSeeds.files("certs", ".pem"), FuzzSeeds.files("certs", ".der"));
  }

  @ParameterizedTest
  @MethodSource("certificates")
  void fixtureCertificatesCutAsReencoded(Path file) throws Exception {
    X509Certificate jdk = Certificates.parse(FuzzSeeds.read(file));
    byte[] reencoded = PrecertTbs.stripByReencoding(jdk.getTBSCertificate());
    assertThat(PrecertTbs.fromFinalCertificate(ParsedCertificate.of(jdk))).isEqualTo(reencoded);
    assertThat(PrecertTbs.fromFinalCertificate(jdk)).isEqualTo(reencoded);
  }

  /** Every regression and corpus input of the fuzz targets that is a TBS in DER. */
  static Stream<Path> corpus() {
    try (Stream<Path> s = java.nio.file.Files.list(
        Path.of(PrecertTbsCutTest.class.getResource("CtFuzzTestInputs/precertTbs").toURI()))) {
      return s.sorted().toList().stream();
    } catch (java.io.IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void fuzzCorpusInDerCutsAsReencoded(Path file) throws Exception {
    byte[] input = FuzzSeeds.read(file);
    byte[] reencoded;
    try {
      reencoded = PrecertTbs.stripByReencoding(input);
    } catch (CtFormatException e) {
      return; // what decoding rejects, the cut may also reject or pass on: only DER inputs are compared
    }
    if (Arrays.equals(Der.decode(input).getEncoded(ASN1Encoding.DER), input)) {
      assertThat(PrecertTbs.strip(input)).isEqualTo(reencoded);
    }
  }

  @Test
  void sctListAndPoisonAreCutWhereverTheyAre() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestCa ca = TestCa.root("CN=cut,O=example", now.minusSeconds(60), now.plusSeconds(3600));
    KeyPair keys = TestCa.newKeys();
    GeneralNames san = new GeneralNames(new GeneralName(GeneralName.rfc822Name, "dev@example.com"));
    ASN1ObjectIdentifier sct = new ASN1ObjectIdentifier(SctList.OID);
    ASN1ObjectIdentifier poison = new ASN1ObjectIdentifier(SctList.POISON_OID);
    ASN1ObjectIdentifier other = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.1");
    byte[] sctValue = new DEROctetString(new byte[300]).getEncoded(); // pushes the lengths past one byte
    byte[][] layouts = new byte[4][];
    layouts[0] = ca.sign(ca.leafBuilder(keys, now, now.plusSeconds(600))
        .addExtension(sct, false, sctValue)
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(other, false, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8))).getTBSCertificate();
    layouts[1] = ca.sign(ca.leafBuilder(keys, now, now.plusSeconds(600))
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(poison, true, DERNull.INSTANCE)
        .addExtension(other, false, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8))).getTBSCertificate();
    layouts[2] = ca.sign(ca.leafBuilder(keys, now, now.plusSeconds(600))
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(sct, false, sctValue)).getTBSCertificate();
    X509v3CertificateBuilder both = ca.leafBuilder(keys, now, now.plusSeconds(600))
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(sct, false, sctValue)
        .addExtension(poison, true, DERNull.INSTANCE);
    layouts[3] = ca.sign(both).getTBSCertificate();
    for (byte[] tbs : layouts) {
      byte[] cut = PrecertTbs.strip(tbs);
      assertThat(cut).isEqualTo(PrecertTbs.stripByReencoding(tbs)).hasSizeLessThan(tbs.length);
      assertThat(PrecertTbs.strip(cut)).isEqualTo(cut);
    }
  }

  @Test
  void noExtensionLeftMeansNoExtensionsField() throws Exception {
    byte[] der = tbsWithOnlyPoison(false);
    assertThat(Der.checkNesting(der, Der.MAX_DEPTH)).isTrue();
    assertThat(PrecertTbs.strip(der)).containsExactly(0x30, 0x03, 0x02, 0x01, 0x05)
        .isEqualTo(PrecertTbs.stripByReencoding(der));
  }

  @Test
  void berLengthsAreReencodedInDer() throws Exception {
    byte[] ber = tbsWithOnlyPoison(true);
    assertThat(Der.checkNesting(ber, Der.MAX_DEPTH)).isFalse();
    assertThat(PrecertTbs.strip(ber)).containsExactly(0x30, 0x03, 0x02, 0x01, 0x05);
    // A long form where the short one fits is BER too.
    byte[] longForm = {0x30, (byte) 0x81, 0x03, 0x02, 0x01, 0x05};
    assertThat(Der.checkNesting(longForm, Der.MAX_DEPTH)).isFalse();
    assertThat(PrecertTbs.strip(longForm)).containsExactly(0x30, 0x03, 0x02, 0x01, 0x05);
  }

  @Test
  void aMalformedExtensionIsAFormatError() {
    byte[] notAnExtension = {0x30, 0x07, (byte) 0xa3, 0x05, 0x30, 0x03, 0x02, 0x01, 0x05};
    assertThatThrownBy(() -> PrecertTbs.strip(notAnExtension)).isInstanceOf(CtFormatException.class)
        .hasMessage("TBSCertificate: Extension: want a SEQUENCE, got tag 0x02");
    byte[] implicit = {0x30, 0x03, (byte) 0x83, 0x01, 0x00};
    assertThatThrownBy(() -> PrecertTbs.strip(implicit)).isInstanceOf(CtFormatException.class)
        .hasMessage("TBSCertificate: extensions [3] must be explicitly tagged");
    byte[] trailing = {0x30, 0x00, 0x05, 0x00};
    assertThatThrownBy(() -> PrecertTbs.strip(trailing)).isInstanceOf(CtFormatException.class)
        .hasMessage("TBSCertificate: trailing data after the TBSCertificate");
  }

  /** {@code SEQUENCE { INTEGER 5, [3] { SEQUENCE { Extension(poison, OCTET STRING {NULL}) } } }}, DER or BER. */
  private static byte[] tbsWithOnlyPoison(boolean indefinite) throws Exception {
    byte[] poisonOid = new ASN1ObjectIdentifier(SctList.POISON_OID).getEncoded();
    byte[] ext = concat(new byte[] {0x30, (byte) (poisonOid.length + 4)}, poisonOid, new byte[] {0x04, 0x02, 0x05, 0x00});
    byte[] list = concat(new byte[] {0x30, (byte) ext.length}, ext);
    byte[] fields = concat(new byte[] {0x02, 0x01, 0x05, (byte) 0xa3, (byte) list.length}, list);
    return indefinite ? concat(new byte[] {0x30, (byte) 0x80}, fields, new byte[] {0x00, 0x00})
        : concat(new byte[] {0x30, (byte) fields.length}, fields);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
