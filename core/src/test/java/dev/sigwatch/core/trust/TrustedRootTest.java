package dev.sigwatch.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedRootTest {
  private static final Instant NOW = Instant.parse("2026-07-01T00:00:00Z");

  private static TrustedRoot load(String rel) throws TrustException {
    return TrustedRoot.load(TrustFixtures.path(rel));
  }

  private static byte[] b64(String s) {
    return Base64.getDecoder().decode(s);
  }

  @Test
  void loadsProductionRoot() throws Exception {
    TrustedRoot r = load("trust/production/trusted_root.json");
    assertThat(r.tlogs()).extracting(LogKey::baseUrl)
        .containsExactly("https://rekor.sigstore.dev", "https://log2025-1.rekor.sigstore.dev");
    assertThat(r.tlogs()).extracting(k -> k.key().getAlgorithm()).containsExactly("EC", "EdDSA");
    assertThat(r.ctlogs()).extracting(LogKey::baseUrl)
        .containsExactly("https://ctfe.sigstore.dev/test", "https://ctfe.sigstore.dev/2022");
    assertThat(r.certificateAuthorities()).hasSize(2);
    assertThat(r.timestampAuthorities()).hasSize(1);

    LogKey rekor = r.findLogKey(b64("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="), NOW).orElseThrow();
    assertThat(rekor.host()).isEqualTo("rekor.sigstore.dev");
    assertThat(rekor.validUntil()).isNull();
    // The legacy rekor.pub target is the same key.
    String pem = Files.readString(TrustFixtures.path("trust/production/rekor.pub"))
        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    assertThat(rekor.key().getEncoded()).isEqualTo(b64(pem));

    LogKey v2 = r.tlogs().get(1);
    assertThat(v2.validFrom()).isEqualTo(Instant.parse("2025-09-23T00:00:00Z"));
    assertThat(r.findLogKey(v2.logId(), Instant.parse("2025-09-22T23:59:59Z"))).isEmpty();
    assertThat(r.findLogKey(v2.logId(), NOW)).contains(v2);
    // The /test CT log ended 2022-10-31.
    LogKey ctTest = r.ctlogs().get(0);
    assertThat(r.findLogKey(ctTest.logId(), Instant.parse("2022-06-01T00:00:00Z"))).contains(ctTest);
    assertThat(r.findLogKey(ctTest.logId(), NOW)).isEmpty();
  }

  @Test
  void preRekorV2RootLacksTheV2Log() throws Exception {
    TrustedRoot r = load("trust/production/trusted_root.pre-rekor-v2.json");
    assertThat(r.tlogs()).extracting(LogKey::baseUrl).containsExactly("https://rekor.sigstore.dev");
    assertThat(LogNoteKeys.rekorV2(r, "log2025-1.rekor.sigstore.dev")).isEmpty();
  }

  @Test
  void loadsStagingRootWithShardValidityAndPkcs1CtKey() throws Exception {
    TrustedRoot r = load("trust/staging/trusted_root.json");
    assertThat(r.tlogs()).hasSize(5);
    assertThat(r.ctlogs()).hasSize(5);
    LogKey alpha1 = r.tlogs().get(1);
    assertThat(alpha1.urlWithoutScheme()).isEqualTo("log2025-alpha1.rekor.sigstage.dev");
    assertThat(r.findLogKey(alpha1.logId(), Instant.parse("2025-05-01T00:00:00Z"))).contains(alpha1);
    assertThat(r.findLogKey(alpha1.logId(), Instant.parse("2025-09-04T00:00:00Z"))).isEmpty();
    assertThat(r.findLogKeyAtAnyTime(alpha1.logId())).contains(alpha1);

    LogKey ctTest = r.ctlogs().get(0);
    assertThat(ctTest.baseUrl()).isEqualTo("https://ctfe.sigstage.dev/test");
    assertThat(ctTest.keyType()).isEqualTo("PKCS1_RSA_PKCS1V5");
    assertThat(ctTest.key().getAlgorithm()).isEqualTo("RSA");
    // Its rawBytes are PKCS#1, so hashing them (as one can for every SPKI log) gives a wrong log ID;
    // the stated one is the hash of the SPKI form, which shows the PKCS#1 key was decoded right.
    byte[] pkcs1 = rawKeyBytes("trust/staging/trusted_root.json", "ctlogs", 0);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertThat(ctTest.logId()).isNotEqualTo(sha.digest(pkcs1));
    assertThat(ctTest.logId()).isEqualTo(sha.digest(ctTest.key().getEncoded()));
    assertThat(r.findLogKey(b64("G3wUKk6ZK6ffHh/FdCRUE2wVekyzHEEIpSG4savnv0w="), Instant.parse("2022-01-01T00:00:00Z")))
        .contains(ctTest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"trust/production/trusted_root.json", "trust/staging/trusted_root.json"})
  void spkiLogIdsAreTheHashOfTheKeyAndRekorV2IdsFollowC2sp(String file) throws Exception {
    TrustedRoot r = load(file);
    for (int i = 0; i < r.tlogs().size(); i++) {
      LogKey log = r.tlogs().get(i);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      if (log.key().getAlgorithm().equals("EC")) {
        assertThat(log.logId()).isEqualTo(sha.digest(rawKeyBytes(file, "tlogs", i)));
      } else {
        // Rekor v2: SHA-256(origin ‖ "\n" ‖ 0x01 ‖ raw key); its first 4 bytes are the C2SP key ID.
        NoteKey c2sp = NoteKey.ed25519(log.urlWithoutScheme(), log.key());
        NoteKey fromRoot = LogNoteKeys.forLog(log).orElseThrow();
        assertThat(fromRoot.keyId()).isEqualTo(c2sp.keyId());
        assertThat(fromRoot.type()).isEqualTo(NoteKeyType.ED25519);
      }
    }
  }

  @Test
  void caChainsEndInSelfSignedRoots() throws Exception {
    for (String f : List.of("trust/production/trusted_root.json", "trust/staging/trusted_root.json")) {
      for (CertificateAuthority ca : load(f).certificateAuthorities()) {
        X509Certificate root = ca.root();
        assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
        root.verify(root.getPublicKey());
        assertThat(ca.toTrustedCa().chain()).isEqualTo(ca.chain());
      }
    }
    CertificateAuthority first = load("trust/production/trusted_root.json").certificateAuthorities().get(0);
    assertThat(first.uri()).isEqualTo("https://fulcio.sigstore.dev");
    assertThat(first.isValidAt(first.validFrom())).isTrue();
  }

  @Test
  void loadsGithubJsonLines() throws Exception {
    List<TrustedRoot> roots = TrustedRoot.loadJsonLines(TrustFixtures.path("trust/github/trusted_root.jsonl"));
    assertThat(roots).hasSize(2);
    assertThat(roots.get(0).tlogs()).hasSize(2);
    assertThat(roots.get(0).ctlogs()).hasSize(2);
    TrustedRoot github = roots.get(1);
    assertThat(github.tlogs()).isEmpty();
    assertThat(github.ctlogs()).isEmpty();
    assertThat(github.certificateAuthorities()).hasSize(6);
    assertThat(github.timestampAuthorities()).hasSize(6);
    // Periods follow each other: exactly one CA is valid now.
    assertThat(github.certificateAuthorities().stream().filter(ca -> ca.isValidAt(NOW))).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void reportsWhatIsWrong() {
    assertThatThrownBy(() -> TrustedRoot.parse("{\"mediaType\":\"x\"}"))
        .isInstanceOf(TrustException.class)
        .hasMessage("trusted root media type must be application/vnd.dev.sigstore.trustedroot+json, but was: \"x\"");
    assertThatThrownBy(() -> TrustedRoot.parse("[1"))
        .isInstanceOf(TrustException.class)
        .hasMessageStartingWith("trusted root is not JSON");
    String noStart = "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":"
        + "[{\"baseUrl\":\"https://x\",\"publicKey\":{\"rawBytes\":\"MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=\","
        + "\"keyDetails\":\"PKIX_ED25519\",\"validFor\":{}},\"logId\":{\"keyId\":\"AAAA\"}}]}";
    assertThatThrownBy(() -> TrustedRoot.parse(noStart)).hasMessage("tlogs[0].publicKey.validFor.start is missing");
    assertThatThrownBy(() -> TrustedRoot.parse(noStart.replace("PKIX_ED25519", "PKIX_FOO")))
        .hasMessage("tlogs[0].publicKey.validFor.start is missing");
    String badKey = noStart.replace("\"validFor\":{}", "\"validFor\":{\"start\":\"2025-01-01T00:00:00Z\"}")
        .replace("PKIX_ED25519", "PKIX_FOO");
    assertThatThrownBy(() -> TrustedRoot.parse(badKey)).hasMessage("unsupported key type \"PKIX_FOO\"");
  }

  private static byte[] rawKeyBytes(String file, String field, int i) throws Exception {
    JsonNode root = new ObjectMapper().readTree(Files.readString(TrustFixtures.path(file)));
    return b64(root.get(field).get(i).get("publicKey").get("rawBytes").asText());
  }
}
