package dev.sigwatch.core.bench;

import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.merkle.Rfc6962;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The full-audit hot path: appending leaf hashes to a compact range (amortized one node hash per leaf),
 * and for comparison MerkleTree.append and one inclusion-proof verification in a tree of 2^20 leaves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompactRangeBenchmark {
  private static final int LEAVES = 1 << 20;

  private byte[][] leafHashes;
  private CompactRange range;
  private MerkleTree appendTree;
  private int next;

  private long proofIndex;
  private List<byte[]> proof;
  private byte[] root;

  @Setup(Level.Trial)
  public void setUp() throws ProofException {
    leafHashes = new byte[LEAVES][];
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < LEAVES; i++) {
      leafHashes[i] = Rfc6962.leafHash(ByteBuffer.allocate(8).putLong(i).array());
      tree.append(leafHashes[i]);
    }
    proofIndex = 123_456;
    proof = tree.inclusionProof(proofIndex, LEAVES - 7);
    root = tree.root(LEAVES - 7);
    // Sanity check so a broken setup does not produce a meaningless number.
    MerkleVerifier.verifyInclusion(proofIndex, LEAVES - 7, leafHashes[(int) proofIndex], proof, root);
  }

  @Setup(Level.Iteration)
  public void reset() {
    range = CompactRange.empty();
    appendTree = new MerkleTree();
    next = 0;
  }

  private byte[] nextLeaf() {
    byte[] leaf = leafHashes[next];
    next = (next + 1) & (LEAVES - 1);
    return leaf;
  }

  @Benchmark
  public long compactRangeAppend() {
    range.append(nextLeaf());
    return range.size();
  }

  @Benchmark
  public long merkleTreeAppend() {
    if (appendTree.size() == LEAVES) {
      appendTree = new MerkleTree(); // bound memory on long iterations
    }
    appendTree.append(nextLeaf());
    return appendTree.size();
  }

  @Benchmark
  public byte[] verifyInclusionIn2To20() throws ProofException {
    return MerkleVerifier.rootFromInclusionProof(proofIndex, LEAVES - 7, leafHashes[(int) proofIndex], proof);
  }
}
