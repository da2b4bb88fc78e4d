package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.simulator.ca.Identity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RekorV1SimulatorTest {
  static SigstoreSimulator sim;
  static final SimHttp http = new SimHttp();
  static LogKey rekorKey;
  static TrustedRoot trustedRoot;

  @BeforeAll
  static void start() throws Exception {
    sim = SigstoreSimulator.builder().identity(Identity.email("ops@acme.com", "https://accounts.google.com"))
        .build().start();
    sim.pregenerate(300);
    TrustedRoot root = TrustedRoot.parse(new String(sim.trustedRoot(), StandardCharsets.UTF_8));
    trustedRoot = root;
    rekorKey = root.tlogs().stream().filter(k -> k.baseUrl().equals(sim.rekorV1Url())).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Keys as the pipeline finds them: from the trusted root, by the key hint of the checkpoint's signature. */
  private static NoteVerifier verifier(TrustedRoot root, String note) throws Exception {
    List<NoteKey> keys = LogNoteKeys.forNote(root, SignedNote.parse(note));
    assertThat(keys).as("trusted keys for %s", note).hasSize(1);
    return new NoteVerifier(keys);
  }

  private static NoteVerifier verifier() throws Exception {
    return verifier(trustedRoot, sim.rekorV1().active().head().note());
  }

  /** Each retrieved entry: SET verifies, leaf verifies by inclusion to the served checkpoint, which is signed. */
  private static void verifyEntry(String uuid, JsonNode e, long wantIndex) throws Exception {
    assertThat(e.get("logIndex").asLong()).isEqualTo(wantIndex);
    byte[] body = Base64.getDecoder().decode(e.get("body").asText());
    byte[] leaf = Rfc6962.leafHash(body);
    assertThat(uuid).endsWith(HexFormat.of().formatHex(leaf));
    JsonNode p = e.get("verification").get("inclusionProof");
    VerifiedCheckpoint cp = verifier().verifyCheckpoint(p.get("checkpoint").asText());
    assertThat(cp.checkpoint().size()).isEqualTo(p.get("treeSize").asLong());
    assertThat(cp.checkpoint().rootHashHex()).isEqualTo(p.get("rootHash").asText());
    MerkleVerifier.verifyInclusion(p.get("logIndex").asLong(), p.get("treeSize").asLong(), leaf,
        SimHttp.hexList(p.get("hashes")), cp.checkpoint().rootHash());
    assertThat(setVerifies(rekorKey.key(), e)).as("SET of %s", wantIndex).isTrue();
    assertThat(e.get("logID").asText()).isEqualTo(HexFormat.of().formatHex(rekorKey.logId()));
  }

  /** Whether the SET of a served entry verifies under {@code key}: ECDSA over {body, integratedTime, logID, logIndex}. */
  static boolean setVerifies(java.security.PublicKey key, JsonNode e) throws Exception {
    String setJson = "{\"body\":\"" + e.get("body").asText() + "\",\"integratedTime\":" + e.get("integratedTime")
        + ",\"logID\":\"" + e.get("logID").asText() + "\",\"logIndex\":" + e.get("logIndex") + "}";
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initVerify(key);
    s.update(setJson.getBytes(StandardCharsets.UTF_8));
    return s.verify(Base64.getDecoder().decode(e.get("verification").get("signedEntryTimestamp").asText()));
  }

  @Test
  void retrievedEntriesVerifyByInclusionAndSet() throws Exception {
    var r = http.post(sim.rekorV1Url() + "/api/v1/log/entries/retrieve", "{\"logIndexes\":[0,1,2,3,4,5,150,298,299,300]}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode arr = SimHttp.JSON.readTree(r.body());
    assertThat(arr.size()).isEqualTo(10);
    long[] want = {0, 1, 2, 3, 4, 5, 150, 298, 299, 300};
    for (int i = 0; i < arr.size(); i++) {
      Map.Entry<String, JsonNode> only = arr.get(i).fields().next();
      verifyEntry(only.getKey(), only.getValue(), want[i]);
    }
    JsonNode single = http.json(sim.rekorV1Url() + "/api/v1/log/entries?logIndex=7");
    verifyEntry(single.fieldNames().next(), single.elements().next(), 7);
  }

  @Test
  void retrieveAboveTenIndexesIs422() throws Exception {
    var r = http.post(sim.rekorV1Url() + "/api/v1/log/entries/retrieve", "{\"logIndexes\":[0,1,2,3,4,5,6,7,8,9,10]}");
    assertThat(r.statusCode()).isEqualTo(422);
  }

  @Test
  void consistencyProofLinksTwoSignedCheckpoints() throws Exception {
    JsonNode before = http.json(sim.rekorV1Url() + "/api/v1/log");
    VerifiedCheckpoint c1 = verifier().verifyCheckpoint(before.get("signedTreeHead").asText());
    sim.grow(5);
    JsonNode after = http.json(sim.rekorV1Url() + "/api/v1/log");
    VerifiedCheckpoint c2 = verifier().verifyCheckpoint(after.get("signedTreeHead").asText());
    assertThat(c2.checkpoint().size()).isGreaterThan(c1.checkpoint().size());
    JsonNode proof = http.json(sim.rekorV1Url() + "/api/v1/log/proof?firstSize=" + c1.checkpoint().size()
        + "&lastSize=" + c2.checkpoint().size() + "&treeID=" + after.get("treeID").asText());
    MerkleVerifier.verifyConsistency(c1.checkpoint().size(), c2.checkpoint().size(), SimHttp.hexList(proof.get("hashes")),
        c1.checkpoint().rootHash(), c2.checkpoint().rootHash());
    assertThat(c2.checkpoint().origin()).isEqualTo(sim.rekorV1().host() + " - "
        + after.get("treeID").asText());
  }

  @Test
  void incidentsAreObservable() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.pregenerate(20);
      NoteVerifier v = verifier(TrustedRoot.parse(new String(s.trustedRoot(), StandardCharsets.UTF_8)),
          s.rekorV1().active().head().note());
      String url = s.rekorV1Url() + "/api/v1/log";

      s.trigger(Incident.SPLIT_VIEW);
      JsonNode a = http.json(url);
      JsonNode b = http.json(url);
      assertThat(a.get("treeSize").asLong()).isEqualTo(b.get("treeSize").asLong());
      assertThat(a.get("rootHash").asText()).isNotEqualTo(b.get("rootHash").asText());
      v.verifyCheckpoint(a.get("signedTreeHead").asText());
      v.verifyCheckpoint(b.get("signedTreeHead").asText());

      s.trigger(Incident.ROLLBACK);
      long rolled = http.json(url).get("treeSize").asLong();
      assertThat(rolled).isLessThan(a.get("treeSize").asLong());

      s.trigger(Incident.BAD_SIGNATURE);
      String bad = http.json(url).get("signedTreeHead").asText();
      assertThatThrownBy(() -> v.verifyCheckpoint(bad)).isInstanceOf(NoteVerificationException.class);

      s.trigger(Incident.UNKNOWN_KEY);
      String unknown = http.json(url).get("signedTreeHead").asText();
      assertThatThrownBy(() -> v.verifyCheckpoint(unknown)).hasMessageContaining("no signature from a trusted key");

      s.grow(2);
      s.trigger(Incident.TAMPERED_ENTRY);
      long newest = http.json(url).get("treeSize").asLong() - 1;
      JsonNode e = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=" + newest).elements().next();
      byte[] leaf = Rfc6962.leafHash(Base64.getDecoder().decode(e.get("body").asText()));
      JsonNode p = e.get("verification").get("inclusionProof");
      assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(p.get("logIndex").asLong(), p.get("treeSize").asLong(),
          leaf, SimHttp.hexList(p.get("hashes")), HexFormat.of().parseHex(p.get("rootHash").asText())))
          .isInstanceOf(ProofException.class);
    }
  }

  @Test
  void legacyConventionsNameTheCheckpointAfterTheUrl() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().legacyConventions().initialEntries(2).build().start()) {
      JsonNode info = http.json(s.rekorV1Url() + "/api/v1/log");
      assertThat(info.get("signedTreeHead").asText())
          .startsWith(URI.create(s.rekorV1Url()).getAuthority() + " - " + info.get("treeID").asText() + "\n");
      assertThat(s.rekorV2().origin()).isEqualTo(s.rekorV2Url().substring("http://".length()));
      assertThat(s.entryTime()).isCloseTo(java.time.Instant.now(), org.assertj.core.api.Assertions.within(
          1, java.time.temporal.ChronoUnit.MINUTES));
    }
  }

  @Test
  void realConventionsByDefault() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().initialEntries(2).build().start()) {
      JsonNode info = http.json(s.rekorV1Url() + "/api/v1/log");
      // Rekor v1: the server's hostname, unlike the host of the URL in the trusted root
      assertThat(s.rekorV1().host()).startsWith(dev.sigwatch.simulator.SimulatorConfig.DEFAULT_REKOR_V1_HOSTNAME);
      assertThat(info.get("signedTreeHead").asText())
          .startsWith(s.rekorV1().host() + " - " + info.get("treeID").asText() + "\n");
      assertThat(s.rekorV1Url()).doesNotContain(s.rekorV1().host());
      // Rekor v2: the hostname of a base URL with a port and a path
      URI v2 = URI.create(s.rekorV2Url());
      assertThat(v2.getPort()).isPositive();
      assertThat(v2.getPath()).isNotEmpty();
      assertThat(s.rekorV2().origin()).isEqualTo(v2.getHost());
      // entries months before the wall clock
      JsonNode e = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=0").elements().next();
      assertThat(java.time.Instant.ofEpochSecond(e.get("integratedTime").asLong()))
          .isBefore(java.time.Instant.now().minus(java.time.Duration.ofDays(90)));
    }
  }

  @Test
  void startsWithAFrozenShardWhenAsked() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().inactiveShardEntries(7).initialEntries(2).build().start()) {
      JsonNode info = http.json(s.rekorV1Url() + "/api/v1/log");
      assertThat(info.get("inactiveShards").get(0).get("treeSize").asLong()).isEqualTo(7);
      assertThat(info.get("treeSize").asLong()).isEqualTo(2);
      JsonNode e = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=8").elements().next();
      assertThat(e.get("verification").get("inclusionProof").get("logIndex").asLong()).isEqualTo(1);
      assertThat(e.get("verification").get("inclusionProof").get("checkpoint").asText())
          .startsWith(s.rekorV1().host() + " - " + info.get("treeID").asText() + "\n");
    }
  }

  @Test
  void rotationMovesTheOldTreeToInactiveShardsWithVirtualIndexes() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.pregenerate(12);
      String oldTree = http.json(s.rekorV1Url() + "/api/v1/log").get("treeID").asText();
      s.trigger(Incident.SHARD_ROTATION);
      s.grow(3);
      JsonNode info = http.json(s.rekorV1Url() + "/api/v1/log");
      assertThat(info.get("treeID").asText()).isNotEqualTo(oldTree);
      assertThat(info.get("treeSize").asLong()).isEqualTo(3);
      JsonNode shard = info.get("inactiveShards").get(0);
      assertThat(shard.get("treeID").asText()).isEqualTo(oldTree);
      assertThat(shard.get("treeSize").asLong()).isEqualTo(12);
      JsonNode e = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=13").elements().next();
      assertThat(e.get("verification").get("inclusionProof").get("logIndex").asLong()).isEqualTo(1);
      s.trigger(Incident.FROZEN_SHARD_CHANGE);
      JsonNode changed = http.json(s.rekorV1Url() + "/api/v1/log").get("inactiveShards").get(0);
      assertThat(changed.get("treeSize").asLong()).isEqualTo(13);
      assertThat(changed.get("rootHash").asText()).isNotEqualTo(shard.get("rootHash").asText());
      // Global index ranges stay as fixed at rotation (as in Rekor): the active shard's first entry is still served
      // from the active shard, never as the changed frozen shard's extra leaf.
      JsonNode first = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=12").elements().next();
      assertThat(first.get("verification").get("inclusionProof").get("logIndex").asLong()).isZero();
      assertThat(first.get("verification").get("inclusionProof").get("treeSize").asLong()).isEqualTo(3);
    }
  }
}
