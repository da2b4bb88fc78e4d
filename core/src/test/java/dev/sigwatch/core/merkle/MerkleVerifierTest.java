package dev.sigwatch.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact messages of each precondition, and the roots a mismatch carries. */
class MerkleVerifierTest {
  private final List<byte[]> leaves = TestBytes.leafHashes(16, 7);
  private final MerkleTree tree = TestBytes.treeOf(leaves);

  @Test
  void inclusionPreconditionsSayWhatTheyGotAndWanted() {
    List<byte[]> proof = tree.inclusionProof(5, 13);
    byte[] root = tree.root(13);
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(13, 13, leaves.get(5), proof, root))
        .isExactlyInstanceOf(ProofException.class).hasMessage("index is beyond size: 13 >= 13");
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(5, 13, new byte[31], proof, root))
        .hasMessage("leafHash has unexpected size 31, want 32");
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(5, 13, leaves.get(5), proof.subList(0, 3), root))
        .hasMessage("wrong proof size 3, want 4");
    List<byte[]> shortElement = new ArrayList<>(proof);
    shortElement.set(2, new byte[33]);
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(5, 13, leaves.get(5), shortElement, root))
        .hasMessage("proof[2] has unexpected size 33, want 32");
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(0, -1, leaves.get(0), proof, root))
        .hasMessage("size must be >= 0, was -1");
  }

  @Test
  void inclusionMismatchCarriesBothRoots() {
    byte[] wrongRoot = tree.root(12);
    RootMismatchException e = catchThrowableOfType(
        () -> MerkleVerifier.verifyInclusion(5, 13, leaves.get(5), tree.inclusionProof(5, 13), wrongRoot),
        RootMismatchException.class);
    assertThat(e.got()).isEqualTo(ReferenceTree.mth(leaves.subList(0, 13)));
    assertThat(e.want()).isEqualTo(wrongRoot);
  }

  @Test
  void consistencyPreconditions() {
    byte[] r3 = tree.root(3);
    byte[] r7 = tree.root(7);
    List<byte[]> proof = tree.consistencyProof(3, 7);
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(0, 7, List.of(), Rfc6962.emptyRoot(), r7))
        .hasMessage("size1 must be > 0, was 0");
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(7, 3, proof, r7, r3))
        .hasMessage("size2 (3) < size1 (7)");
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(3, 3, proof, r3, r3))
        .hasMessage("wrong proof size 4, want 0 (size1 = size2 = 3)");
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(3, 7, List.of(), r3, r7))
        .hasMessage("wrong proof size 0, want 4");
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(3, 7, proof.subList(1, 4), r3, r7))
        .hasMessage("wrong proof size 3, want 4");
  }

  @Test
  void consistencyMismatchNamesTheRootThatFailed() {
    // size1 = 5 is not a power of two, so root1 is recomputed from the proof and checked first.
    byte[] r5 = tree.root(5);
    byte[] r9 = tree.root(9);
    List<byte[]> proof = tree.consistencyProof(5, 9);
    RootMismatchException first = catchThrowableOfType(
        () -> MerkleVerifier.verifyConsistency(5, 9, proof, r9, r9), RootMismatchException.class);
    assertThat(first.want()).isEqualTo(r9);
    assertThat(first.got()).isEqualTo(r5);
    RootMismatchException second = catchThrowableOfType(
        () -> MerkleVerifier.verifyConsistency(5, 9, proof, r5, r5), RootMismatchException.class);
    assertThat(second.want()).isEqualTo(r5);
    assertThat(second.got()).isEqualTo(r9);
    // size1 = 4 is a power of two: root1 is the proof's seed, so a wrong root1 shows up as a wrong root2.
    byte[] r4 = tree.root(4);
    RootMismatchException seeded = catchThrowableOfType(
        () -> MerkleVerifier.verifyConsistency(4, 9, tree.consistencyProof(4, 9), r5, r9),
        RootMismatchException.class);
    assertThat(seeded.want()).isEqualTo(r9);
    assertThat(seeded.got()).isNotEqualTo(r9);
    assertThat(r4).isNotEqualTo(r5);
  }

  @Test
  void rfc6962KnownAnswers() {
    // SHA-256("") and SHA-256(0x00), published in RFC 6962 test data / transparency-dev.
    assertThat(Rfc6962.emptyRoot()).isEqualTo(java.util.HexFormat.of()
        .parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assertThat(Rfc6962.leafHash(new byte[0])).isEqualTo(java.util.HexFormat.of()
        .parseHex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
    byte[] l = leaves.get(0);
    byte[] r = leaves.get(1);
    assertThat(Rfc6962.nodeHash(l, r)).isEqualTo(ReferenceTree.sha256((byte) 1, l, r));
  }
}
