package dev.sigwatch.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes CompactRange rejects, with their messages; roots are covered by {@link MerkleTreePropertyTest}. */
class CompactRangeTest {
  private final List<byte[]> leaves = TestBytes.leafHashes(11, 3);
  private final MerkleTree tree = TestBytes.treeOf(leaves);

  @Test
  void emptyRangeHasTheEmptyRoot() {
    CompactRange range = CompactRange.empty();
    assertThat(range.size()).isZero();
    assertThat(range.frontier()).isEmpty();
    assertThat(range.root()).isEqualTo(ReferenceTree.sha256Empty());
  }

  @Test
  void frontierHasOneHashPerSetBit() throws ProofException {
    CompactRange range = CompactRange.fromFrontier(11, tree.frontier(11));
    assertThat(range.frontier()).hasSize(3); // 11 = 8 + 2 + 1
    assertThat(range.root()).isEqualTo(ReferenceTree.mth(leaves));
    assertThatThrownBy(() -> CompactRange.fromFrontier(11, tree.frontier(10)))
        .isInstanceOf(ProofException.class).hasMessage("wrong frontier size 2, want 3 for size 11");
    assertThatThrownBy(() -> CompactRange.fromFrontier(2, List.of(new byte[31])))
        .hasMessage("frontier[0] has unexpected size 31, want 32");
    assertThatThrownBy(() -> CompactRange.fromFrontier(-1, List.of()))
        .hasMessage("size must be >= 0, was -1");
  }

  @Test
  void lastLeafProofPreconditions() {
    assertThatThrownBy(() -> CompactRange.fromInclusionProofOfLastLeaf(0, leaves.get(0), List.of()))
        .hasMessage("size must be >= 1, was 0");
    assertThatThrownBy(() -> CompactRange.fromInclusionProofOfLastLeaf(11, new byte[3], tree.inclusionProof(10, 11)))
        .hasMessage("lastLeafHash has unexpected size 3, want 32");
    assertThatThrownBy(() -> CompactRange.fromInclusionProofOfLastLeaf(11, leaves.get(10), tree.inclusionProof(9, 11)))
        .hasMessage("wrong proof size 3, want 2");
  }

  @Test
  void appendRejectsWrongSizeAndReturnedHashesAreCopies() {
    CompactRange range = CompactRange.empty();
    assertThatThrownBy(() -> range.append(new byte[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leafHash has unexpected size 0, want 32");
    range.append(leaves.get(0));
    range.root()[0] ^= 1;
    range.frontier().get(0)[0] ^= 1;
    assertThat(range.root()).isEqualTo(leaves.get(0));
  }
}
