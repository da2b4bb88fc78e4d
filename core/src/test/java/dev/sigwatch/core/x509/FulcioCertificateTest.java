package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Walks certs/index.json: every field of every certificate, one test per field family. */
class FulcioCertificateTest {

  static Stream<JsonNode> index() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    TrustFixtures.json("certs/index.json").forEach(out::add);
    assertThat(out).hasSize(16);
    return out.stream();
  }

  private static FulcioCertificate parse(JsonNode want) throws Exception {
    return FulcioCertificate.parse(TrustFixtures.read("certs/" + want.path("file").asText()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void fingerprints(JsonNode want) throws Exception {
    FulcioCertificate got = parse(want);
    assertThat(got.certFingerprint()).isEqualTo(want.path("sha256_der").asText());
    // Key fingerprint computed independently: the JDK's view of the SubjectPublicKeyInfo.
    byte[] spki = got.certificate().x509().getPublicKey().getEncoded();
    assertThat(got.keyFingerprint())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void serialIssuerAndValidity(JsonNode want) throws Exception {
    FulcioCertificate got = parse(want);
    assertThat(got.serial()).isEqualTo(new BigInteger(want.path("serial").asText(), 16));
    assertThat(got.issuer()).isEqualTo(want.path("issuer").asText());
    assertThat(got.subject()).isEmpty();
    assertThat(got.notBefore()).isEqualTo(OffsetDateTime.parse(want.path("not_before").asText()).toInstant());
    assertThat(got.notAfter()).isEqualTo(OffsetDateTime.parse(want.path("not_after").asText()).toInstant());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void subjectAltNames(JsonNode want) throws Exception {
    List<String> wantSans = new ArrayList<>();
    want.path("san").forEach(s -> wantSans.add(s.asText()));
    List<SubjectAltName> got = parse(want).sans();
    assertThat(got).extracting(SubjectAltName::value).containsExactlyElementsOf(wantSans);
    for (SubjectAltName san : got) {
      SubjectAltName.Type wantType = san.value().startsWith("https://")
          ? SubjectAltName.Type.URI : SubjectAltName.Type.EMAIL;
      assertThat(san.type()).as(san.value()).isEqualTo(wantType);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void fulcioExtensionsAndIssuer(JsonNode want) throws Exception {
    Map<String, String> wantExt = new LinkedHashMap<>();
    want.path("fulcio_extensions").fields().forEachRemaining(e -> wantExt.put(e.getKey(), e.getValue().asText()));
    FulcioCertificate got = parse(want);
    Map<String, String> gotExt = new LinkedHashMap<>();
    got.extensions().forEach((oid, e) -> gotExt.put(oid, e.value()));
    assertThat(gotExt).isEqualTo(wantExt);
    got.extensions().values().forEach(e -> assertThat(e.name()).as(e.oid()).isNotEqualTo("unknown"));
    String wantIssuer = wantExt.getOrDefault(FulcioOids.ISSUER_V2, wantExt.get(FulcioOids.ISSUER_V1));
    assertThat(got.oidcIssuer()).isNotNull().isEqualTo(wantIssuer);
  }

  @Test
  void derAndPemGiveTheSameCertificate() throws Exception {
    FulcioCertificate pem = FulcioCertificate.parse(
        TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.pem"));
    FulcioCertificate der = FulcioCertificate.parse(
        TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.der"));
    assertThat(der).isEqualTo(pem);
    assertThat(der.extensions().get("1.3.6.1.4.1.57264.1.9").name()).isEqualTo("buildSignerURI");
    assertThat(der.extensions().get("1.3.6.1.4.1.57264.1.22").name())
        .isEqualTo("sourceRepositoryVisibilityAtSigning");
  }

  @Test
  void legacyOnlyCertificateFallsBackToIssuerV1() throws Exception {
    FulcioCertificate got = FulcioCertificate.parse(
        TrustFixtures.read("certs/prod-github-actions-legacy-ext-1-6-only-2023-02.pem"));
    assertThat(got.extensions()).doesNotContainKey(FulcioOids.ISSUER_V2);
    assertThat(got.oidcIssuer()).isEqualTo("https://token.actions.githubusercontent.com");
  }

  @Test
  void truncatedOrGarbageInputIsRejected() throws Exception {
    byte[] der = TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.der");
    assertThatThrownBy(() -> FulcioCertificate.parse(Arrays.copyOf(der, der.length - 1)))
        .isInstanceOf(CertificateParseException.class).hasMessageStartingWith("not an X.509 certificate");
    byte[] trailing = Arrays.copyOf(der, der.length + 2);
    assertThatThrownBy(() -> FulcioCertificate.parse(trailing))
        .isInstanceOf(CertificateParseException.class).hasMessage("trailing data after DER certificate: 2 bytes");
    assertThatThrownBy(() -> FulcioCertificate.parse(new byte[0]))
        .isInstanceOf(CertificateParseException.class).hasMessage("certificate is empty");
  }

  @Test
  void otherNameIpAndDnsSansAndNewerExtensions() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestCa ca = TestCa.root("CN=test", now.minusSeconds(60), now.plusSeconds(3600));
    GeneralNames sans = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.otherName, new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            new ASN1ObjectIdentifier(FulcioOids.OTHER_NAME_SAN), new DERTaggedObject(true, 0, new DERUTF8String("octocat"))})),
        new GeneralName(GeneralName.iPAddress, "192.0.2.7"),
        new GeneralName(GeneralName.dNSName, "build.example.com"),
    });
    var cert = ca.leaf(now, now.plusSeconds(600), sans,
        FulcioOids.ISSUER_V2, new DERUTF8String("https://issuer.example").getEncoded(),
        "1.3.6.1.4.1.57264.1.23", new DERUTF8String("production").getEncoded(),
        "1.3.6.1.4.1.57264.1.24", new DERUTF8String("repo:a/b:ref:refs/heads/main").getEncoded(),
        "1.3.6.1.4.1.57264.1.99", new DERUTF8String("future").getEncoded());
    FulcioCertificate got = FulcioCertificate.from(cert);
    assertThat(got.sans()).containsExactly(
        new SubjectAltName(SubjectAltName.Type.OTHER_NAME, "octocat", FulcioOids.OTHER_NAME_SAN),
        SubjectAltName.of(SubjectAltName.Type.IP, "192.0.2.7"),
        SubjectAltName.of(SubjectAltName.Type.DNS, "build.example.com"));
    assertThat(got.oidcIssuer()).isEqualTo("https://issuer.example");
    assertThat(got.extensions().keySet()).containsExactly(FulcioOids.ISSUER_V2,
        "1.3.6.1.4.1.57264.1.23", "1.3.6.1.4.1.57264.1.24", "1.3.6.1.4.1.57264.1.99");
    assertThat(got.extensions().get("1.3.6.1.4.1.57264.1.23").name()).isEqualTo("deploymentEnvironment");
    assertThat(got.extensions().get("1.3.6.1.4.1.57264.1.24").name()).isEqualTo("tokenSubject");
    assertThat(got.extensions().get("1.3.6.1.4.1.57264.1.99"))
        .isEqualTo(new FulcioExtension("1.3.6.1.4.1.57264.1.99", "unknown", "future"));
  }

  @Test
  void derExtensionHoldingRawBytesIsRejected() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestCa ca = TestCa.root("CN=test", now.minusSeconds(60), now.plusSeconds(3600));
    // 1.8 must be a DER UTF8String; here it holds the raw bytes the way 1.1 does.
    GeneralNames email = new GeneralNames(new GeneralName(GeneralName.rfc822Name, "a@example.com"));
    var cert = ca.leaf(now, now.plusSeconds(600), email,
        FulcioOids.ISSUER_V2, "https://x".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> FulcioCertificate.from(cert))
        .isInstanceOf(CertificateParseException.class)
        .hasMessage("extension 1.3.6.1.4.1.57264.1.8 (issuer): want DER UTF8String, got tag 0x68 (ASN.1 at offset 2: length 116 exceeds the 7 bytes left)");
    var octets = ca.leaf(now, now.plusSeconds(600), email,
        "1.3.6.1.4.1.57264.1.9", new DEROctetString(new byte[] {1}).getEncoded());
    assertThatThrownBy(() -> FulcioCertificate.from(octets))
        .hasMessage("extension 1.3.6.1.4.1.57264.1.9 (buildSignerURI): want DER UTF8String, got tag 0x04");
  }
}
