package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.simulator.control.ControlRoutes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory-light mode ({@code packedEntries}) a benchmark's child simulator runs in: every entry it serves is valid
 * — its leaf hash is SHA-256(0x00 ‖ body), its inclusion proof verifies against the signed checkpoint, its SET (signed
 * with the reused-nonce signer) verifies under the log's key, consistency proofs link two signed checkpoints, Rekor v2
 * tiles recompute the signed root — and distinct (bodies, leaf hashes, UUIDs); the control routes drive it.
 */
class PackedEntriesSimulatorTest {
  static SigstoreSimulator sim;
  static final SimHttp http = new SimHttp();
  static TrustedRoot root;
  /** Entries per log: more than one pregenerate batch would be slow here; 2.5 level-0 tiles and a partial one. */
  static final int ENTRIES = 700;

  @BeforeAll
  static void start() throws Exception {
    sim = SigstoreSimulator.builder().poolCertificates(4).packedEntries(true).build().start();
    sim.route("/control", new ControlRoutes(sim));
    sim.pregenerate(ENTRIES);
    root = TrustedRoot.parse(new String(sim.trustedRoot(), StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static NoteVerifier verifier(String baseUrl, String note) throws Exception {
    List<NoteKey> keys = LogNoteKeys.forNote(root, SignedNote.parse(note));
    assertThat(keys).as("trusted keys for %s", baseUrl).isNotEmpty();
    return new NoteVerifier(keys);
  }

  private static byte[] leafHash(byte[] body) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update((byte) 0);
    md.update(body);
    return md.digest();
  }

  @Test
  void everyRekorV1EntryVerifiesAndIsDistinct() throws Exception {
    LogKey key = root.tlogs().stream().filter(k -> k.baseUrl().equals(sim.rekorV1Url())).findFirst().orElseThrow();
    Set<String> uuids = new HashSet<>();
    Set<String> bodies = new HashSet<>();
    for (int from = 0; from < ENTRIES; from += 10) {
      StringBuilder idx = new StringBuilder();
      for (int i = from; i < from + 10; i++) idx.append(i > from ? "," : "").append(i);
      var r = http.post(sim.rekorV1Url() + "/api/v1/log/entries/retrieve", "{\"logIndexes\":[" + idx + "]}");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode arr = SimHttp.JSON.readTree(r.body());
      assertThat(arr).hasSize(10);
      int i = from;
      for (JsonNode wrapper : arr) {
        Iterator<Map.Entry<String, JsonNode>> it = wrapper.fields();
        Map.Entry<String, JsonNode> only = it.next();
        JsonNode e = only.getValue();
        assertThat(e.get("logIndex").asLong()).isEqualTo(i);
        byte[] body = Base64.getDecoder().decode(e.get("body").asText());
        byte[] leaf = leafHash(body);
        assertThat(only.getKey()).endsWith(HexFormat.of().formatHex(leaf));
        JsonNode p = e.get("verification").get("inclusionProof");
        String note = p.get("checkpoint").asText();
        VerifiedCheckpoint cp = verifier(sim.rekorV1Url(), note).verifyCheckpoint(note);
        assertThat(cp.checkpoint().size()).isEqualTo(p.get("treeSize").asLong()).isGreaterThanOrEqualTo(ENTRIES);
        MerkleVerifier.verifyInclusion(p.get("logIndex").asLong(), cp.checkpoint().size(), leaf,
            SimHttp.hexList(p.get("hashes")), cp.checkpoint().rootHash());
        assertThat(RekorV1SimulatorTest.setVerifies(key.key(), e)).as("SET of %s", i).isTrue();
        uuids.add(only.getKey());
        bodies.add(e.get("body").asText());
        i++;
      }
    }
    assertThat(uuids).as("distinct UUIDs (leaf hashes)").hasSize(ENTRIES);
    assertThat(bodies).as("distinct bodies").hasSize(ENTRIES);
  }

  @Test
  void controlRoutesGrowTheLogAndConsistencyProofsLinkItsCheckpoints() throws Exception {
    String note1 = http.json(sim.rekorV1Url() + "/api/v1/log").get("signedTreeHead").asText();
    VerifiedCheckpoint c1 = verifier(sim.rekorV1Url(), note1).verifyCheckpoint(note1);
    var grown = http.post(sim.baseUrl() + "/control/grow?n=25", "");
    assertThat(grown.statusCode()).isEqualTo(200);
    JsonNode status = SimHttp.JSON.readTree(grown.body());
    String note2 = http.json(sim.rekorV1Url() + "/api/v1/log").get("signedTreeHead").asText();
    VerifiedCheckpoint c2 = verifier(sim.rekorV1Url(), note2).verifyCheckpoint(note2);
    assertThat(c2.checkpoint().size()).isEqualTo(c1.checkpoint().size() + 25)
        .isEqualTo(status.get("rekorV1Size").asLong());
    assertThat(status.get("rekorV1Origin").asText()).isEqualTo(c2.checkpoint().origin());
    JsonNode proof = http.json(sim.rekorV1Url() + "/api/v1/log/proof?firstSize=" + c1.checkpoint().size()
        + "&lastSize=" + c2.checkpoint().size());
    MerkleVerifier.verifyConsistency(c1.checkpoint().size(), c2.checkpoint().size(),
        SimHttp.hexList(proof.get("hashes")), c1.checkpoint().rootHash(), c2.checkpoint().rootHash());
    var bad = http.post(sim.baseUrl() + "/control/trigger?incident=WITNESS_MISSING&target=REKOR_V1", "");
    assertThat(bad.statusCode()).as("an incident the log cannot have is a client error").isEqualTo(400);
  }

  @Test
  void rekorV2TilesRecomputeTheSignedRootFromDistinctEntries() throws Exception {
    String note = new String(http.get(sim.rekorV2Url() + "/api/v2/checkpoint").body(), StandardCharsets.UTF_8);
    VerifiedCheckpoint cp = verifier(sim.rekorV2Url(), note).verifyCheckpoint(note);
    long size = cp.checkpoint().size();
    assertThat(size).isGreaterThanOrEqualTo(ENTRIES);
    MerkleTree tree = new MerkleTree();
    Set<String> leaves = new HashSet<>();
    List<String> tiles = new ArrayList<>();
    for (long t = 0; t < size / 256; t++) tiles.add(String.format(java.util.Locale.ROOT, "%03d", t));
    if (size % 256 != 0) tiles.add(String.format(java.util.Locale.ROOT, "%03d.p/%d", size / 256, size % 256));
    for (String suffix : tiles) {
      ByteBuffer bundle = ByteBuffer.wrap(http.get(sim.rekorV2Url() + "/api/v2/tile/entries/" + suffix).body());
      while (bundle.hasRemaining()) {
        byte[] body = new byte[bundle.getShort() & 0xffff];
        bundle.get(body);
        byte[] leaf = leafHash(body);
        tree.append(leaf);
        leaves.add(HexFormat.of().formatHex(leaf));
      }
    }
    assertThat(tree.size()).isEqualTo(size);
    assertThat(tree.root(size)).isEqualTo(cp.checkpoint().rootHash());
    assertThat(leaves).as("distinct entries").hasSize((int) size);
  }
}
