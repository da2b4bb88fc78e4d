package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;

class DerTest {
  /** {@code depth} SEQUENCEs nested in one another around a UTF8String "x". */
  static byte[] nested(int depth) {
    byte[] inner = {0x0c, 0x01, 'x'};
    for (int i = 0; i < depth; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0x30);
      int n = inner.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else if (n < 0x10000) {
        out.write(0x82);
        out.write(n >> 8);
        out.write(n);
      } else {
        out.write(0x83);
        out.write(n >> 16);
        out.write(n >> 8);
        out.write(n);
      }
      out.writeBytes(inner);
      inner = out.toByteArray();
    }
    return inner;
  }

  /**
   * The certificate of issue 12: self-signed, with a ~10 KB extension value nested 2,500 levels deep (in the Fulcio
   * issuer arc 1.8, where a DER string is expected). BouncyCastle decodes it recursively and overflowed the stack.
   */
  static X509Certificate craftedCertificate(String oid) throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    TestCa ca = TestCa.root("CN=crafted", now, now.plus(1, ChronoUnit.DAYS));
    return ca.leaf(now, now.plus(10, ChronoUnit.MINUTES),
        new GeneralNames(new GeneralName(GeneralName.rfc822Name, "crafted@example.com")), oid, nested(2500));
  }

  @Test
  void acceptsNestingUpToTheLimit() throws IOException {
    assertThat(ASN1Sequence.getInstance(Der.decode(nested(Der.MAX_DEPTH))).size()).isEqualTo(1);
  }

  @Test
  void rejectsNestingBeyondTheLimitBeforeDecoding() {
    assertThatThrownBy(() -> Der.decode(nested(Der.MAX_DEPTH + 1)))
        .isInstanceOf(IOException.class)
        .hasMessage("ASN.1 at offset 66: nested deeper than 32 levels");
    assertThatThrownBy(() -> Der.decode(nested(3_000)))
        .isInstanceOf(IOException.class)
        .hasMessageEndingWith("nested deeper than 32 levels");
  }

  @Test
  void rejectsLengthsThatRunPastTheirContainer() {
    assertThatThrownBy(() -> Der.decode(new byte[] {0x30, 0x03, 0x04, 0x05, 0x00}))
        .hasMessage("ASN.1 at offset 4: length 5 exceeds the 1 bytes left");
    assertThatThrownBy(() -> Der.decode(new byte[] {0x04, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
        .hasMessage("ASN.1 at offset 6: length 2147483647 exceeds the 0 bytes left");
    assertThatThrownBy(() -> Der.decode(new byte[] {0x04, (byte) 0x80, 0x00, 0x00}))
        .hasMessage("ASN.1 at offset 2: indefinite length on a primitive value");
    assertThatThrownBy(() -> Der.decode(new byte[0])).hasMessage("ASN.1: no value (empty input)");
  }

  @Test
  void acceptsBerIndefiniteLengthsWithinTheLimit() throws IOException {
    byte[] ber = {0x30, (byte) 0x80, 0x30, (byte) 0x80, 0x0c, 0x01, 'x', 0x00, 0x00, 0x00, 0x00};
    assertThat(Der.decode(ber)).isInstanceOf(ASN1Sequence.class);
    assertThatThrownBy(() -> Der.decode(new byte[] {0x30, (byte) 0x80, 0x0c, 0x01, 'x'}))
        .hasMessage("ASN.1 at offset 5: truncated: a value is not terminated");
  }

  @Test
  void aDeeplyNestedFulcioExtensionIsAParseErrorNotAStackOverflow() throws Exception {
    X509Certificate crafted = craftedCertificate(FulcioOids.ISSUER_V2);
    assertThat(crafted.getEncoded().length).isBetween(8_000, 16_000);
    assertThatThrownBy(() -> FulcioCertificate.from(crafted))
        .isInstanceOf(CertificateParseException.class)
        .hasMessageStartingWith("extension 1.3.6.1.4.1.57264.1.8 (issuer): want DER UTF8String, got tag 0x30 (ASN.1")
        .hasMessageEndingWith("nested deeper than 32 levels)");
  }

  @Test
  void aDeeplyNestedSubjectAltNameIsAParseError() {
    assertThatThrownBy(() -> SubjectAltNames.fromExtnValue(nested(2500)))
        .isInstanceOf(CertificateParseException.class)
        .hasMessageStartingWith("subjectAltName: not a GeneralNames sequence: ASN.1 at offset")
        .hasMessageEndingWith("nested deeper than 32 levels");
  }

  /** Found by CertificateFuzzTest#extensionValue: BouncyCastle throws IllegalArgumentException on invalid UTF-8. */
  @Test
  void aUtf8StringWithInvalidUtf8IsAParseError() {
    byte[] value = {0x0c, 0x04, 'p', (byte) 0xbf, 's', 'h'};
    assertThatThrownBy(() -> FulcioExtensions.decode(FulcioOids.ISSUER_V2, 8, value))
        .isInstanceOf(CertificateParseException.class)
        .hasMessageStartingWith("extension 1.3.6.1.4.1.57264.1.8 (issuer): DERUTF8String is not a valid string: ");
  }

  /** Found by CertificateFuzzTest#certificate: the JDK parses it, FulcioCertificate's record rejected it unchecked. */
  @Test
  void aValidityThatEndsBeforeItBeginsIsAParseError() throws Exception {
    byte[] der = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(DerTest.class.getResource(
        "CertificateFuzzTestInputs/certificate/not-after-before-not-before.pem").toURI()));
    assertThatThrownBy(() -> FulcioCertificate.parse(der))
        .isInstanceOf(CertificateParseException.class)
        .hasMessageStartingWith("validity ends (notAfter 2024-11-18T17:46:59Z) before it begins");
  }

  /** Writes the crafted certificate as a regression input of CertificateFuzzTest#certificate (run once by hand). */
  public static void main(String[] args) throws Exception {
    java.nio.file.Files.write(java.nio.file.Path.of(args[0]), craftedCertificate(FulcioOids.ISSUER_V2).getEncoded());
  }
}
