package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.checkpoint.Checkpoint;
import dev.sigwatch.core.checkpoint.DigitallySigned;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentsAndGrowthSimulatorTest {
  static final SimHttp http = new SimHttp();

  private static TrustedRoot root(SigstoreSimulator s) throws Exception {
    return TrustedRoot.parse(new String(s.trustedRoot(), StandardCharsets.UTF_8));
  }

  @Test
  void forkBreaksConsistencyWithTheLastCheckpointAndMalformedEntriesAreLogged() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.pregenerate(10);
      String url = s.rekorV1Url() + "/api/v1/log";
      JsonNode before = http.json(url);
      s.trigger(Incident.FORK);
      JsonNode after = http.json(url);
      long size1 = before.get("treeSize").asLong();
      long size2 = after.get("treeSize").asLong();
      assertThat(size2).isGreaterThan(size1);
      JsonNode proof = http.json(s.rekorV1Url() + "/api/v1/log/proof?firstSize=" + size1 + "&lastSize=" + size2);
      assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(size1, size2, SimHttp.hexList(proof.get("hashes")),
          java.util.HexFormat.of().parseHex(before.get("rootHash").asText()),
          java.util.HexFormat.of().parseHex(after.get("rootHash").asText()))).isInstanceOf(ProofException.class);

      s.trigger(Incident.MALFORMED_ENTRY);
      long last = http.json(url).get("treeSize").asLong() - 1;
      JsonNode e = http.json(s.rekorV1Url() + "/api/v1/log/entries?logIndex=" + last).elements().next();
      byte[] body = Base64.getDecoder().decode(e.get("body").asText());
      assertThatThrownBy(() -> SimHttp.JSON.readTree(body)).isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void rekorV2CheckpointIncidents() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.grow(5);
      LogKey k = root(s).tlogs().stream().filter(t -> t.baseUrl().equals(s.rekorV2Url())).findFirst().orElseThrow();
      // the origin is the URL's hostname (sigstore-go), and the trusted root's log ID is the key ID over it
      String origin = dev.sigwatch.core.trust.LogNoteKeys.rekorV2Origin(k, null).orElseThrow();
      assertThat(origin).isEqualTo(java.net.URI.create(s.rekorV2Url()).getHost());
      NoteVerifier v = new NoteVerifier(List.of(NoteKey.ed25519(origin, k.key())));
      String url = s.rekorV2Url() + "/api/v2/checkpoint";
      Checkpoint good = v.verifyCheckpoint(text(url)).checkpoint();

      s.trigger(Incident.SPLIT_VIEW, LogTarget.REKOR_V2);
      Checkpoint a = v.verifyCheckpoint(text(url)).checkpoint();
      Checkpoint b = v.verifyCheckpoint(text(url)).checkpoint();
      assertThat(a.size()).isEqualTo(b.size());
      assertThat(a.rootHash()).isNotEqualTo(b.rootHash());

      s.grow(1); // publishing ends the split view
      Checkpoint grown = v.verifyCheckpoint(text(url)).checkpoint();
      assertThat(v.verifyCheckpoint(text(url)).checkpoint()).isEqualTo(grown);
      s.trigger(Incident.ROLLBACK, LogTarget.REKOR_V2);
      assertThat(v.verifyCheckpoint(text(url)).checkpoint().size()).isEqualTo(grown.size() - 1);
      assertThat(grown.size()).isGreaterThan(good.size());

      s.trigger(Incident.BAD_SIGNATURE, LogTarget.REKOR_V2);
      String bad = text(url);
      assertThatThrownBy(() -> v.verifyCheckpoint(bad)).hasMessageContaining("bad signature");
      s.trigger(Incident.UNKNOWN_KEY, LogTarget.REKOR_V2);
      String unknown = text(url);
      assertThatThrownBy(() -> v.verifyCheckpoint(unknown)).hasMessageContaining("no signature from a trusted key");
      // A fork: a validly signed, larger tree whose tiles do not prove the published one a prefix of it.
      long before = s.rekorV2().publishedSize();
      byte[] beforeRoot = s.rekorV2().tree().root(before);
      s.trigger(Incident.FORK, LogTarget.REKOR_V2);
      Checkpoint forked = v.verifyCheckpoint(text(url)).checkpoint();
      assertThat(forked.size()).isEqualTo(before + 1);
      assertThatThrownBy(() -> dev.sigwatch.core.merkle.MerkleVerifier.verifyConsistency(before, forked.size(),
          s.rekorV2().tree().consistencyProof(before, forked.size()), beforeRoot, forked.rootHash()))
          .isInstanceOf(dev.sigwatch.core.merkle.ProofException.class);
    }
  }

  @Test
  void aStaticCtForkIsAValidlySignedLargerTreeWhoseMovedEntriesNameTheirNewIndex() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      for (int i = 0; i < 7; i++) s.grow(1); // one certificate per grow
      LogKey k = root(s).ctlogs().stream().filter(t -> t.baseUrl().equals(s.staticCtUrl())).findFirst().orElseThrow();
      // the origin is the submission prefix without its scheme (static-ct-api)
      NoteVerifier v = new NoteVerifier(List.of(NoteKey.rfc6962(s.staticCtUrl().replaceFirst("^https?://", ""), k.key())));
      String url = s.staticCtUrl() + "/checkpoint";
      Checkpoint before = v.verifyCheckpoint(text(url)).checkpoint();
      List<dev.sigwatch.core.ct.TileLeaf> old = dev.sigwatch.core.ct.TileLeaf.parseTile(
          http.get(s.staticCtUrl() + "/tile/data/000.p/" + before.size()).body());

      s.trigger(Incident.FORK, LogTarget.STATIC_CT);
      Checkpoint forked = v.verifyCheckpoint(text(url)).checkpoint();
      assertThat(forked.size()).isEqualTo(before.size() + 1);
      assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(before.size(), forked.size(),
          s.staticCt().tree().consistencyProof(before.size(), forked.size()), before.rootHash(), forked.rootHash()))
          .isInstanceOf(ProofException.class);
      byte[] data = http.get(s.staticCtUrl() + "/tile/data/000.p/" + forked.size()).body();
      byte[] hashes = http.get(s.staticCtUrl() + "/tile/0/000.p/" + forked.size()).body();
      List<dev.sigwatch.core.ct.TileLeaf> leaves = dev.sigwatch.core.ct.TileLeaf.parseTile(data);
      dev.sigwatch.core.merkle.MerkleTree tree = new dev.sigwatch.core.merkle.MerkleTree();
      for (int i = 0; i < leaves.size(); i++) {
        var leaf = leaves.get(i);
        assertThat(dev.sigwatch.core.ct.CtExtensions.leafIndex(leaf.entry().extensions())).hasValue(i);
        byte[] h = leaf.merkleTreeLeaf().leafHash();
        assertThat(h).isEqualTo(java.util.Arrays.copyOfRange(hashes, i * 32, i * 32 + 32));
        tree.append(h);
      }
      assertThat(tree.root(forked.size())).isEqualTo(forked.rootHash());
      int keep = (int) (before.size() / 2);
      assertThat(leaves.subList(0, keep)).isEqualTo(old.subList(0, keep));
      // the moved entries are the old ones sequenced again: the same certificates, at other indexes
      assertThat(leaves.get(keep).preCertificate()).isEqualTo(old.get((int) before.size() - 1).preCertificate());
      assertThat(leaves.get(keep)).isNotEqualTo(old.get((int) before.size() - 1));
    }
  }

  @Test
  void ctTreeHeadIncidents() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.grow(1);
      LogKey k = root(s).ctlogs().stream().filter(t -> t.baseUrl().equals(s.ctUrl())).findFirst().orElseThrow();
      String url = s.ctUrl() + "/ct/v1/get-sth";
      SignedTreeHead first = sth(url);
      first.verify(k.key());

      s.trigger(Incident.SPLIT_VIEW, LogTarget.CT);
      SignedTreeHead a = sth(url);
      SignedTreeHead b = sth(url);
      a.verify(k.key());
      b.verify(k.key());
      assertThat(a.treeSize()).isEqualTo(b.treeSize());
      assertThat(a.rootHash()).isNotEqualTo(b.rootHash());

      s.trigger(Incident.ROLLBACK, LogTarget.CT);
      SignedTreeHead rolled = sth(url);
      rolled.verify(k.key());
      assertThat(rolled.treeSize()).isEqualTo(first.treeSize() - 1);

      s.trigger(Incident.BAD_SIGNATURE, LogTarget.CT);
      assertThatThrownBy(() -> sth(url).verify(k.key())).isInstanceOf(NoteVerificationException.class);
      s.trigger(Incident.UNKNOWN_KEY, LogTarget.STATIC_CT);
      LogKey sk = root(s).ctlogs().stream().filter(t -> t.baseUrl().equals(s.staticCtUrl())).findFirst().orElseThrow();
      NoteVerifier v = new NoteVerifier(List.of(NoteKey.rfc6962(sk.urlWithoutScheme(), sk.key())));
      String cp = text(s.staticCtUrl() + "/checkpoint");
      assertThatThrownBy(() -> v.verifyCheckpoint(cp)).hasMessageContaining("no signature from a trusted key");
    }
  }

  @Test
  void logsGrowOverTimeUntilStale() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().entriesPerSecond(50).build().start()) {
      String url = s.rekorV1Url() + "/api/v1/log";
      await().atMost(Duration.ofSeconds(20)).until(() -> http.json(url).get("treeSize").asLong() >= 10);
      await().atMost(Duration.ofSeconds(20)).until(() -> http.json(s.ctUrl() + "/ct/v1/get-sth").get("tree_size").asLong() > 4);
      s.trigger(Incident.STALE);
      long frozen = http.json(url).get("treeSize").asLong();
      // no new checkpoint for a full second of ticks (5 of them) after the stale incident
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .until(() -> http.json(url).get("treeSize").asLong() == frozen);
    }
  }

  private static String text(String url) throws Exception {
    return new String(http.get(url).body(), StandardCharsets.UTF_8);
  }

  private static SignedTreeHead sth(String url) throws Exception {
    JsonNode j = http.json(url);
    return new SignedTreeHead(j.get("tree_size").asLong(), j.get("timestamp").asLong(),
        Base64.getDecoder().decode(j.get("sha256_root_hash").asText()),
        DigitallySigned.parse(Base64.getDecoder().decode(j.get("tree_head_signature").asText())));
  }
}
