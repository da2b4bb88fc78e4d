package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.checkpoint.DigitallySigned;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.ct.LogEntryType;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.Sct;
import dev.sigwatch.core.ct.SctList;
import dev.sigwatch.core.ct.SctVerifier;
import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.core.x509.ChainVerifier;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.SubjectAltName;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CaAndCtSimulatorTest {
  static SigstoreSimulator sim;
  static TrustedRoot root;
  static final SimHttp http = new SimHttp();

  @BeforeAll
  static void start() throws Exception {
    sim = SigstoreSimulator.builder().ctMaxEntries(4).build().start();
    for (int i = 0; i < 6; i++) sim.grow(1);
    root = TrustedRoot.parse(new String(sim.trustedRoot(), StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static LogKey ctKey(String url) {
    return root.ctlogs().stream().filter(k -> k.baseUrl().equals(url)).findFirst().orElseThrow();
  }

  @Test
  void issuedCertificatesCarryFulcioIdentityAndVerifiableScts() throws Exception {
    IssuedCert c = sim.addIdentity(Identity.githubWorkflow("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1"));
    FulcioCertificate f = FulcioCertificate.from(c.certificate());
    assertThat(f.oidcIssuer()).isEqualTo(Identity.GITHUB_ISSUER);
    assertThat(f.sans()).extracting(SubjectAltName::value)
        .containsExactly("https://github.com/acme/widgets/.github/workflows/release.yml@refs/tags/v1");
    assertThat(f.extensionValue("1.3.6.1.4.1.57264.1.5")).isEqualTo("acme/widgets");
    assertThat(f.extensionValue("1.3.6.1.4.1.57264.1.11")).isEqualTo("github-hosted");

    ChainVerifier chains = new ChainVerifier(root.certificateAuthorities().stream().map(a -> a.toTrustedCa()).toList());
    assertThat(chains.verify(c.certificate(), List.of()).isFulcio()).isTrue();
    IssuedCert fake = sim.addLookalikeIdentity(Identity.email("ops@acme.com", "https://accounts.google.com"));
    assertThat(fake.certificate().getIssuerX500Principal()).isEqualTo(c.certificate().getIssuerX500Principal());
    assertThat(chains.verify(fake.certificate(), List.of()).isFulcio()).isFalse();

    List<Sct> scts = SctList.fromCertificate(c.certificate());
    assertThat(scts).hasSize(2);
    var issuerKey = sim.ca().intermediate().getPublicKey();
    assertThat(SctVerifier.verifyEmbedded(scts.get(0), c.certificate(), issuerKey, ctKey(sim.ctUrl()).key())).isTrue();
    assertThat(SctVerifier.verifyEmbedded(scts.get(1), c.certificate(), issuerKey, ctKey(sim.staticCtUrl()).key())).isTrue();
    assertThat(scts.get(1).leafIndex()).isPresent();
    assertThat(PrecertTbs.fromFinalCertificate(c.certificate()))
        .isEqualTo(PrecertTbs.fromPrecertificate(c.precertificate()));
  }

  @Test
  void getEntriesReturnsFewerThanAskedAndLeavesRecomputeTheSignedRoot() throws Exception {
    JsonNode sth = http.json(sim.ctUrl() + "/ct/v1/get-sth");
    long size = sth.get("tree_size").asLong();
    assertThat(size).isGreaterThan(4);
    byte[] rootHash = Base64.getDecoder().decode(sth.get("sha256_root_hash").asText());
    DigitallySigned ds = DigitallySigned.parse(Base64.getDecoder().decode(sth.get("tree_head_signature").asText()));
    new SignedTreeHead(size, sth.get("timestamp").asLong(), rootHash, ds).verify(ctKey(sim.ctUrl()).key());

    JsonNode page = http.json(sim.ctUrl() + "/ct/v1/get-entries?start=0&end=" + (size - 1));
    assertThat(page.get("entries").size()).isEqualTo(4);
    MerkleTree tree = new MerkleTree();
    for (long start = 0; start < size; ) {
      JsonNode es = http.json(sim.ctUrl() + "/ct/v1/get-entries?start=" + start + "&end=" + (size - 1)).get("entries");
      for (JsonNode e : es) {
        MerkleTreeLeaf leaf = MerkleTreeLeaf.parse(Base64.getDecoder().decode(e.get("leaf_input").asText()));
        assertThat(leaf.entry().entryType()).isEqualTo(LogEntryType.PRECERT_ENTRY);
        tree.append(leaf.leafHash());
      }
      start += es.size();
    }
    assertThat(tree.root(size)).isEqualTo(rootHash);

    byte[] leaf3 = tree.leafHash(3);
    JsonNode proof = http.json(sim.ctUrl() + "/ct/v1/get-proof-by-hash?tree_size=" + size + "&hash="
        + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(leaf3), StandardCharsets.UTF_8));
    assertThat(proof.get("leaf_index").asLong()).isEqualTo(3);
    List<byte[]> path = new java.util.ArrayList<>();
    proof.get("audit_path").forEach(h -> path.add(Base64.getDecoder().decode(h.asText())));
    MerkleVerifier.verifyInclusion(3, size, leaf3, path, rootHash);
    assertThat(http.json(sim.ctUrl() + "/ct/v1/get-roots").get("certificates").size()).isEqualTo(1);
  }

  @Test
  void staticCtCheckpointVerifiesAndDataTileMatchesHashTile() throws Exception {
    LogKey key = ctKey(sim.staticCtUrl());
    NoteVerifier v = new NoteVerifier(List.of(NoteKey.rfc6962(key.urlWithoutScheme(), key.key())));
    VerifiedCheckpoint cp = v.verifyCheckpoint(new String(http.get(sim.staticCtUrl() + "/checkpoint").body(),
        StandardCharsets.UTF_8));
    long size = cp.checkpoint().size();
    byte[] data = http.get(sim.staticCtUrl() + "/tile/data/000.p/" + size).body();
    byte[] hashes = http.get(sim.staticCtUrl() + "/tile/0/000.p/" + size).body();
    List<TileLeaf> leaves = TileLeaf.parseTile(data);
    assertThat(leaves).hasSize((int) size);
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < leaves.size(); i++) {
      byte[] h = leaves.get(i).merkleTreeLeaf().leafHash();
      assertThat(h).isEqualTo(java.util.Arrays.copyOfRange(hashes, i * 32, i * 32 + 32));
      tree.append(h);
      String fp = java.util.HexFormat.of().formatHex(leaves.get(i).chainFingerprints().get(0));
      assertThat(http.get(sim.staticCtUrl() + "/issuer/" + fp).statusCode()).isEqualTo(200);
    }
    assertThat(tree.root(size)).isEqualTo(cp.checkpoint().rootHash());
    // Like real static-ct logs: no RFC 6962 read path (its tree is only in tiles), but get-roots is served.
    for (String rfc6962 : List.of("get-sth", "get-entries?start=0&end=1", "get-sth-consistency?first=1&second=2")) {
      assertThat(http.get(sim.staticCtUrl() + "/ct/v1/" + rfc6962).statusCode()).as(rfc6962).isEqualTo(404);
    }
    assertThat(http.get(sim.staticCtUrl() + "/ct/v1/get-roots").statusCode()).isEqualTo(200);
  }
}
