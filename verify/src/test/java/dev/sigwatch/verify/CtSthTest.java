package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.ShardState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CT (RFC 6962) get-sth path: tree heads signed with a generated P-256 key over the TreeHeadSignature struct
 * built here from RFC 6962 §3.5 (not by the code under test), consistency between them, and their mutations.
 */
class CtSthTest {

  static final long T = Harness.T0.toEpochMilli();
  static final String ORIGIN = "ct.sigwatch.test/2026";
  @TempDir Path stateDir;
  final KeyPair key = TestLog.generate("EC");
  final MerkleTree tree = new MerkleTree();
  Harness h;

  CtSthTest() {
    for (int i = 0; i < 64; i++) tree.append(Rfc6962.leafHash(("cert " + i).getBytes(StandardCharsets.UTF_8)));
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  Harness harness() throws Exception {
    byte[] spki = key.getPublic().getEncoded();
    String ctlog = "{\"baseUrl\":\"https://" + ORIGIN + "\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
        + TestLog.b64(spki) + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{\"start\":"
        + "\"2025-01-01T00:00:00Z\"}},\"logId\":{\"keyId\":\"" + TestLog.b64(TestLog.sha256(spki)) + "\"}}";
    String root = TestLog.trustedRoot().replace("\"ctlogs\":[]", "\"ctlogs\":[" + ctlog + "]");
    h = new Harness(new VerifySettings(TrustedRoot.parse(root), null, Duration.ofHours(1), null, "t"), stateDir);
    return h;
  }

  /** RFC 6962 §3.5: digitally-signed struct { version v1(0), tree_hash(1), timestamp, tree_size, sha256_root_hash }. */
  String sth(long size, long timestamp, byte[] root, KeyPair signer) {
    byte[] tbs = ByteBuffer.allocate(2 + 8 + 8 + 32).put((byte) 0).put((byte) 1).putLong(timestamp).putLong(size)
        .put(root).array();
    byte[] sig = TestLog.sign("SHA256withECDSA", signer, tbs);
    // DigitallySigned: hash sha256(4), signature ecdsa(3), opaque<0..2^16-1>
    byte[] ds = ByteBuffer.allocate(4 + sig.length).put((byte) 4).put((byte) 3).putShort((short) sig.length).put(sig)
        .array();
    return "{\"tree_size\":" + size + ",\"timestamp\":" + timestamp + ",\"sha256_root_hash\":\""
        + Base64.getEncoder().encodeToString(root) + "\",\"tree_head_signature\":\""
        + Base64.getEncoder().encodeToString(ds) + "\"}";
  }

  Checkpoint checkpoint(long size, String json, Long proofFrom) {
    Checkpoint.Builder b = Checkpoint.newBuilder().setLogId(ORIGIN).setLogType(LogType.CT).setOrigin(ORIGIN)
        .setTreeSize(size).setRootHash(ByteBuffer.wrap(tree.root(size))).setObservedAtMillis(T + size)
        .setTimestampMillis(T + size).setRawNote(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))
        .setSourceUrl("https://" + ORIGIN + "/ct/v1/get-sth").setShardState(ShardState.ACTIVE);
    if (proofFrom != null) {
      b.setProofFromSize(proofFrom).setProofFromRoot(ByteBuffer.wrap(tree.root(proofFrom)))
          .setConsistencyProof(tree.consistencyProof(proofFrom, size).stream().map(ByteBuffer::wrap).toList());
    }
    return b.build();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  @Test
  void signedTreeHeadsVerifyAndStayConsistent() throws Exception {
    Harness h = harness();
    h.checkpoint(checkpoint(16, sth(16, T + 16, tree.root(16), key), null));
    h.checkpoint(checkpoint(64, sth(64, T + 64, tree.root(64), key), 16L));
    assertThat(h.alerts()).isEmpty();
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize).containsExactly(16L, 64L);
  }

  @Test
  void aFlippedSignatureBitOrAnotherKeyIsABadSignature() throws Exception {
    Harness h = harness();
    String good = sth(16, T + 16, tree.root(16), key);
    String sig = good.substring(good.indexOf("tree_head_signature\":\"") + 22, good.length() - 2);
    byte[] ds = Base64.getDecoder().decode(sig);
    ds[ds.length - 5] ^= 0x01;
    h.checkpoint(checkpoint(16, good.replace(sig, Base64.getEncoder().encodeToString(ds)), null));
    h.checkpoint(checkpoint(32, sth(32, T + 32, tree.root(32), TestLog.generate("EC")), null));
    // an RFC 6962 tree head names no key: bad signatures in a row are one incident, the second one an event
    assertThat(types(h.alerts())).containsExactly(Findings.BAD_SIGNATURE);
    assertThat(h.events("INCIDENT_CONTINUES")).singleElement()
        .satisfies(e -> assertThat(e.getTreeSize()).isEqualTo(32L))
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("observed", Findings.BAD_SIGNATURE));
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("checkpoint", good.replace(sig,
        Base64.getEncoder().encodeToString(ds)));
    assertThat(h.events("CHECKPOINT_VERIFIED")).isEmpty();
  }

  @Test
  void aTreeHeadSignedBeforeTheKeyWasValidIsAnUnknownKey() throws Exception {
    Harness h = harness();
    long before = java.time.Instant.parse("2024-12-31T23:59:59Z").toEpochMilli();
    h.checkpoint(checkpoint(16, sth(16, before, tree.root(16), key), null));
    assertThat(types(h.alerts())).containsExactly(Findings.UNKNOWN_KEY);
    assertThat(h.alerts().get(0).getSummary()).contains("is valid at 2024-12-31T23:59:59Z");
  }

  @Test
  void aForkedTreeHeadFailsConsistency() throws Exception {
    Harness h = harness();
    h.checkpoint(checkpoint(16, sth(16, T + 16, tree.root(16), key), null));
    byte[] forkedRoot = tree.root(63); // a validly signed head of size 64 whose root is not this tree's
    Checkpoint forked = Checkpoint.newBuilder(checkpoint(64, sth(64, T + 64, forkedRoot, key), 16L))
        .setRootHash(ByteBuffer.wrap(forkedRoot)).build();
    h.checkpoint(forked);
    assertThat(types(h.alerts())).containsExactly(Findings.FORK);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("size1", "16").containsEntry("size2", "64");
  }

  @Test
  void malformedOrMismatchedTreeHeadsGoToTheDlq() throws Exception {
    Harness h = harness();
    h.checkpoint(checkpoint(16, "{\"tree_size\":\"sixteen\"}", null));
    h.checkpoint(checkpoint(16, sth(17, T + 16, tree.root(16), key), null)); // record says 16, the STH 17
    assertThat(h.alerts()).isEmpty();
    assertThat(h.rejected()).extracting(r -> r.getReason().toString()).containsExactly(
        "rawNote: want get-sth JSON with tree_size and timestamp", "treeSize 16 does not match the note's 17");
  }
}
