package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.match.explain.EntryFiles;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.SubjectAltName;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture entry, bundle and certificate yields the identities recorded in certs/index.json. */
class FixtureIdentitiesTest {
  static final Path FIXTURES = Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures"));
  static final Map<String, JsonNode> INDEX = new HashMap<>();
  static final Set<String> COVERED = new HashSet<>();

  @BeforeAll
  static void loadIndex() throws IOException {
    for (JsonNode c : new ObjectMapper().readTree(FIXTURES.resolve("certs/index.json").toFile())) {
      INDEX.put(c.get("sha256_der").asText(), c);
    }
    assertThat(INDEX).hasSize(16);
  }

  static Stream<Path> entryFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(FIXTURES.resolve("rekor-v1/entries"))) {
      s.forEach(files::add);
    }
    try (Stream<Path> s = Files.list(FIXTURES.resolve("rekor-v2/entries"))) {
      s.filter(p -> p.toString().endsWith("-tlog-entry.json")).forEach(files::add);
    }
    try (Stream<Path> s = Files.walk(FIXTURES.resolve("bundles"))) {
      s.filter(p -> p.toString().endsWith(".sigstore.json") || p.toString().endsWith(".attestation.json"))
          .filter(p -> !p.toString().contains("github-private-instance"))
          .forEach(files::add);
    }
    return files.stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("entryFiles")
  void everyEntryYieldsItsRecordedIdentities(Path file) throws Exception {
    List<EntryFiles.Loaded> loaded = EntryFiles.load(file);
    assertThat(loaded).isNotEmpty();
    for (EntryFiles.Loaded l : loaded) {
      List<IdentityEvent> events = IdentityEvents.fromRekor(((EntryFiles.Rekor) l).entry());
      assertThat(events).isNotEmpty();
      for (IdentityEvent e : events) {
        assertThat(e.getKeyFingerprints()).as("%s: key fingerprints", file).isNotEmpty();
        assertThat(e.getArtifactDigest()).as("%s: digest", file).matches("sha(256|384|512):[0-9a-f]+");
        if (e.getCertFingerprint() == null) {
          continue;
        }
        assertThat(e.getTbsHash()).matches("[0-9a-f]{64}");
        JsonNode want = INDEX.get(e.getCertFingerprint());
        if (want != null) {
          assertMatchesIndex(file.toString(), e, want);
          COVERED.add(e.getCertFingerprint());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("indexedCertificates")
  void everyIndexedCertificateYieldsItsRecordedIdentities(String fileName) throws Exception {
    FulcioCertificate c = FulcioCertificate.parse(Files.readAllBytes(FIXTURES.resolve("certs").resolve(fileName)));
    IdentityEvent e = IdentityEvents.empty();
    IdentityEvents.fillCert(e, c);
    JsonNode want = INDEX.get(e.getCertFingerprint());
    assertThat(want).as("index entry for %s", fileName).isNotNull();
    assertThat(want.get("file").asText()).isEqualTo(fileName);
    assertMatchesIndex(fileName, e, want);
  }

  static Stream<String> indexedCertificates() throws IOException {
    List<String> names = new ArrayList<>();
    new ObjectMapper().readTree(FIXTURES.resolve("certs/index.json").toFile()).forEach(c -> names.add(c.get("file").asText()));
    return names.stream();
  }

  @Test
  void publicKeyBundleYieldsTheKeyFingerprintOfItsPemFile() throws Exception {
    Path dir = FIXTURES.resolve("bundles/v0.3");
    EntryFiles.Rekor r = (EntryFiles.Rekor) EntryFiles.load(dir.resolve("prod-hashedrekord-public-key-with-tsa-2025-12.sigstore.json")).get(0);
    IdentityEvent e = IdentityEvents.fromRekor(r.entry()).get(0);
    Signer.Key want = Verifiers.pkixKey(Verifiers.pemBody(
        Files.readString(dir.resolve("prod-hashedrekord-public-key-with-tsa-2025-12.key.pub")), "PUBLIC KEY"));
    assertThat(e.getCertFingerprint()).isNull();
    assertThat(e.getKeyFingerprints()).containsExactlyElementsOf(want.fingerprints());
  }

  @AfterAll
  static void entriesCoverTheIndexedCertificatesTheyCarry() {
    // The entries and bundles carry at least these index certificates (the rest come from elsewhere upstream).
    assertThat(COVERED.size()).as("index certificates met in entries and bundles").isGreaterThanOrEqualTo(6);
  }

  static void assertMatchesIndex(String where, IdentityEvent e, JsonNode want) {
    List<String> wantSans = new ArrayList<>();
    want.get("san").forEach(s -> wantSans.add(s.asText()));
    assertThat(e.getSans()).extracting(SubjectAltName::getValue).as("%s: SANs", where).containsExactlyElementsOf(wantSans);
    Map<String, String> wantExt = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = want.get("fulcio_extensions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> x = it.next();
      wantExt.put(x.getKey(), x.getValue().asText());
    }
    assertThat(e.getExtensions()).as("%s: Fulcio extensions", where).isEqualTo(wantExt);
    String issuer = wantExt.getOrDefault("1.3.6.1.4.1.57264.1.8", wantExt.get("1.3.6.1.4.1.57264.1.1"));
    assertThat(e.getOidcIssuer()).as("%s: OIDC issuer", where).isEqualTo(issuer);
    assertThat(e.getCertIssuerDn()).as("%s: issuer DN", where).isEqualTo(want.get("issuer").asText());
    // Two serials in the index dropped a leading zero: compare as integers.
    assertThat(new BigInteger(e.getCertSerial(), 16)).isEqualTo(new BigInteger(want.get("serial").asText(), 16));
  }
}
