package dev.sigwatch.core.merkle;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer targets for proof verification with hostile inputs: any index, size, hash length and proof length.
 * The invariant: a {@link ProofException} (or its {@link RootMismatchException}) or success, never another
 * exception, and never work beyond the ~64 hashes a proof can have.
 */
class ProofFuzzTest {
  @FuzzTest(maxDuration = dev.sigwatch.core.fuzz.FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void verifyProofs(FuzzedDataProvider data) {
    int which = data.consumeInt(0, 3);
    long a = data.consumeLong();
    long b = data.consumeLong();
    byte[] h1 = hash(data);
    byte[] h2 = hash(data);
    List<byte[]> proof = new ArrayList<>();
    int n = data.consumeInt(0, 80);
    for (int i = 0; i < n; i++) {
      proof.add(hash(data));
    }
    try {
      switch (which) {
        case 0 -> MerkleVerifier.verifyInclusion(a, b, h1, proof, h2);
        case 1 -> MerkleVerifier.verifyConsistency(a, b, proof, h1, h2);
        case 2 -> CompactRange.fromFrontier(a, proof).root();
        default -> CompactRange.fromInclusionProofOfLastLeaf(a, h1, proof).root();
      }
    } catch (ProofException expected) {
      // success or a ProofException
    }
  }

  /** Mostly 32 bytes, sometimes another length. */
  private static byte[] hash(FuzzedDataProvider data) {
    return data.consumeInt(0, 7) == 0 ? data.consumeBytes(data.consumeInt(0, 40)) : data.consumeBytes(32);
  }
}
