package dev.sigwatch.core.merkle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/** Small helpers shared by the merkle tests. */
final class TestBytes {
  private TestBytes() {}

  static Path fixtures() {
    String dir = System.getProperty("sigwatch.fixtures");
    if (dir == null) {
      throw new IllegalStateException("system property sigwatch.fixtures is not set (the parent pom sets it)");
    }
    return Path.of(dir);
  }

  static byte[] b64(String s) {
    return Base64.getDecoder().decode(s);
  }

  static byte[] flipBit(byte[] b, int bit) {
    byte[] out = b.clone();
    out[bit / 8] ^= (byte) (1 << (bit % 8));
    return out;
  }

  static List<byte[]> flipBit(List<byte[]> proof, int element, int bit) {
    List<byte[]> out = new ArrayList<>(proof);
    out.set(element, flipBit(proof.get(element), bit));
    return out;
  }

  /** Leaf hashes of leaves "leaf-0", "leaf-1", ... salted with the seed. */
  static List<byte[]> leafHashes(int n, long seed) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(ReferenceTree.sha256((byte) 0, ("leaf-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  static MerkleTree treeOf(List<byte[]> leafHashes) {
    MerkleTree tree = new MerkleTree();
    leafHashes.forEach(tree::append);
    return tree;
  }

  static byte[] randomHash(Random random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return b;
  }
}
