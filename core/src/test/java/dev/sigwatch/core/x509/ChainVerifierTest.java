package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChainVerifierTest {
  private static Map<String, ChainVerifier> verifiers;
  private static Map<String, List<TrustedCa>> cas;

  @BeforeAll
  static void loadRoots() throws Exception {
    cas = Map.of("prod", TrustFixtures.cas("prod"), "stag", TrustFixtures.cas("stag"),
        "github", TrustFixtures.cas("github"));
    verifiers = Map.of("prod", new ChainVerifier(cas.get("prod")), "stag", new ChainVerifier(cas.get("stag")),
        "github", new ChainVerifier(cas.get("github")));
  }

  static Stream<JsonNode> index() throws Exception {
    return FulcioCertificateTest.index();
  }

  /** The root each certificate chains to; index.json writes null for GitHub's private instance (quirk). */
  private static String rootOf(JsonNode want) {
    return want.path("issuer_in_trusted_root").isNull() ? "github" : want.path("issuer_in_trusted_root").asText();
  }

  private static X509Certificate cert(JsonNode want) throws Exception {
    return Certificates.parse(TrustFixtures.read("certs/" + want.path("file").asText()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void chainsToItsOwnTrustedRootAtNotBefore(JsonNode want) throws Exception {
    String root = rootOf(want);
    ChainStatus got = verifiers.get(root).verify(cert(want), List.of());
    assertThat(got).isInstanceOf(ChainStatus.Fulcio.class);
    ChainStatus.Fulcio f = (ChainStatus.Fulcio) got;
    assertThat(cas.get(root)).contains(f.ca());
    assertThat(f.path().get(0)).isEqualTo(cert(want));
    X509Certificate last = f.path().get(f.path().size() - 1);
    assertThat(last.getSubjectX500Principal()).isEqualTo(last.getIssuerX500Principal());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void isLookalikeUnderEveryOtherRoot(JsonNode want) throws Exception {
    X509Certificate cert = cert(want);
    for (String other : List.of("prod", "stag", "github")) {
      if (!other.equals(rootOf(want))) {
        assertThat(verifiers.get(other).verify(cert, List.of())).as(other).isInstanceOf(ChainStatus.Lookalike.class);
      }
    }
  }

  @Test
  void selfMadeCaWithFulcioNamesIsLookalike() throws Exception {
    X509Certificate realIntermediate = cas.get("prod").get(1).chain().get(0);
    X509Certificate realRoot = cas.get("prod").get(1).chain().get(1);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestCa fakeRoot = TestCa.lookalike(realRoot, now.minusSeconds(3600), now.plusSeconds(3600));
    TestCa fakeIntermediate = fakeRoot.intermediateLike(realIntermediate, now.minusSeconds(3600), now.plusSeconds(3600));
    X509Certificate leaf = fakeIntermediate.leaf(now, now.plusSeconds(600),
        new GeneralNames(new GeneralName(GeneralName.rfc822Name, "victim@example.com")));
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(realIntermediate.getSubjectX500Principal());

    ChainVerifier prod = verifiers.get("prod");
    assertThat(prod.verify(leaf, List.of())).isInstanceOf(ChainStatus.Lookalike.class);
    ChainStatus withChain = prod.verify(leaf, List.of(fakeIntermediate.cert, fakeRoot.cert));
    assertThat(withChain).isInstanceOf(ChainStatus.Lookalike.class);
    assertThat(((ChainStatus.Lookalike) withChain).reason())
        .startsWith("no certificate of CA https://fulcio.sigstore.dev valid at " + now + " issued and signed");

    // The same certificates trusted as a CA of their own do chain: the test CA is not broken.
    TrustedCa own = new TrustedCa("https://fake", List.of(fakeRoot.cert), now.minusSeconds(60), null);
    ChainStatus trusted = new ChainVerifier(List.of(own)).verify(leaf, List.of(fakeIntermediate.cert));
    assertThat(trusted).isInstanceOf(ChainStatus.Fulcio.class);
    assertThat(((ChainStatus.Fulcio) trusted).path()).containsExactly(leaf, fakeIntermediate.cert, fakeRoot.cert);
    // Verified again: the intermediate comes from the cache, the answer is the same.
    assertThat(new ChainVerifier(List.of(own), null).verify(leaf, List.of(fakeIntermediate.cert)).isFulcio()).isTrue();
  }

  @Test
  void caOutsideItsValidityPeriodAtNotBeforeDoesNotCount() throws Exception {
    X509Certificate cert = Certificates.parse(
        TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.pem"));
    TrustedCa ca = cas.get("prod").get(1);
    Instant nb = cert.getNotBefore().toInstant();
    TrustedCa endedBefore = new TrustedCa(ca.uri(), ca.chain(), ca.validFrom(), nb.minusMillis(1));
    TrustedCa startsAfter = new TrustedCa(ca.uri(), ca.chain(), nb.plusMillis(1), null);
    assertThat(new ChainVerifier(List.of(endedBefore, startsAfter)).verify(cert, List.of()))
        .isEqualTo(new ChainStatus.Lookalike("no CA of the trusted root is valid at notBefore " + nb));
    TrustedCa exactly = new TrustedCa(ca.uri(), ca.chain(), nb, nb);
    assertThat(new ChainVerifier(List.of(exactly)).verify(cert, List.of()).isFulcio()).isTrue();
  }

  @Test
  void tamperedSignatureIsLookalike() throws Exception {
    byte[] der = TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.der");
    byte[] bad = Arrays.copyOf(der, der.length);
    bad[bad.length - 5] ^= 0x01; // inside the ECDSA signature's s value
    X509Certificate tampered = Certificates.parse(bad);
    assertThat(verifiers.get("prod").verify(Certificates.parse(der), List.of()).isFulcio()).isTrue();
    assertThat(verifiers.get("prod").verify(tampered, List.of())).isInstanceOf(ChainStatus.Lookalike.class);
  }
}
