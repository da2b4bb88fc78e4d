package dev.sigwatch.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  @Test
  void preconditions() {
    MerkleTree tree = TestBytes.treeOf(TestBytes.leafHashes(5, 1));
    assertThatThrownBy(() -> tree.root(6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be in [0, 5], was 6");
    assertThatThrownBy(() -> tree.inclusionProof(5, 5))
        .hasMessage("index must be in [0, size), was index 5, size 5");
    assertThatThrownBy(() -> tree.consistencyProof(4, 3))
        .hasMessage("sizes must satisfy 0 <= size1 <= size2, was size1 4, size2 3");
    assertThatThrownBy(() -> tree.node(1, 2)).hasMessage("no complete node at level 1, index 2 in a tree of size 5");
    assertThatThrownBy(() -> tree.append(new byte[1])).hasMessage("leafHash has unexpected size 1, want 32");
    assertThat(tree.consistencyProof(0, 5)).isEmpty();
    assertThat(tree.root(0)).isEqualTo(ReferenceTree.sha256Empty());
  }

  @Test
  void spansManyStorageChunks() {
    List<byte[]> leaves = TestBytes.leafHashes(5000, 2); // > 4 chunks of 1024 hashes at level 0
    MerkleTree tree = TestBytes.treeOf(leaves);
    assertThat(tree.leafHash(4097)).isEqualTo(leaves.get(4097));
    assertThat(tree.root(5000)).isEqualTo(ReferenceTree.mth(leaves));
  }

  @Test
  void readersSeeConsistentTreesWhileOneWriterAppends() throws Exception {
    List<byte[]> leaves = TestBytes.leafHashes(20_000, 3);
    MerkleTree tree = new MerkleTree();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> reader = pool.submit(() -> {
        int checks = 0;
        long seen = 0;
        while (seen < leaves.size()) {
          long size = tree.size();
          assertThat(size).isGreaterThanOrEqualTo(seen);
          seen = size;
          if (size > 0) {
            long index = (size * 7919) % size;
            MerkleVerifier.verifyInclusion(index, size, leaves.get((int) index), tree.inclusionProof(index, size),
                tree.root(size));
            checks++;
          }
        }
        return checks;
      });
      Future<?> writer = pool.submit(() -> leaves.forEach(tree::append));
      writer.get();
      assertThat(reader.get()).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }
}
