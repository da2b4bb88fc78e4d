package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.TestBytes.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transparency-dev/merkle proof vectors (fixtures/merkle/transparency-dev): one JSON file per case,
 * named by its mutation, with {@code wantErr}. {@code proof: null} means an empty proof.
 */
class TransparencyDevVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = TestBytes.fixtures().resolve("merkle/transparency-dev");

  static Stream<Path> inclusionVectors() throws IOException {
    return jsonFiles(ROOT.resolve("inclusion"));
  }

  static Stream<Path> consistencyVectors() throws IOException {
    return jsonFiles(ROOT.resolve("consistency"));
  }

  private static Stream<Path> jsonFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void walksEveryVector() throws IOException {
    assertThat(inclusionVectors().count() + consistencyVectors().count()).isEqualTo(196);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionVectors")
  void inclusion(Path file) throws IOException, ProofException {
    JsonNode v = JSON.readTree(file.toFile());
    long index = v.get("leafIdx").bigIntegerValue().longValue(); // uint64 in the vectors
    long size = v.get("treeSize").bigIntegerValue().longValue();
    byte[] leafHash = b64(v.get("leafHash").asText());
    byte[] root = b64(v.get("root").asText());
    List<byte[]> proof = proof(v.get("proof"));
    if (v.get("wantErr").asBoolean()) {
      assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(index, size, leafHash, proof, root))
          .as(v.get("desc").asText())
          .isInstanceOf(ProofException.class);
    } else {
      assertThatCode(() -> MerkleVerifier.verifyInclusion(index, size, leafHash, proof, root))
          .doesNotThrowAnyException();
      assertThat(MerkleVerifier.rootFromInclusionProof(index, size, leafHash, proof)).isEqualTo(root);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyVectors")
  void consistency(Path file) throws IOException {
    JsonNode v = JSON.readTree(file.toFile());
    long size1 = v.get("size1").bigIntegerValue().longValue();
    long size2 = v.get("size2").bigIntegerValue().longValue();
    byte[] root1 = b64(v.get("root1").asText());
    byte[] root2 = b64(v.get("root2").asText());
    List<byte[]> proof = proof(v.get("proof"));
    if (v.get("wantErr").asBoolean()) {
      assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(size1, size2, proof, root1, root2))
          .as(v.get("desc").asText())
          .isInstanceOf(ProofException.class);
    } else {
      assertThatCode(() -> MerkleVerifier.verifyConsistency(size1, size2, proof, root1, root2))
          .doesNotThrowAnyException();
    }
  }

  private static List<byte[]> proof(JsonNode node) {
    List<byte[]> out = new ArrayList<>();
    if (node != null && !node.isNull()) {
      node.forEach(h -> out.add(b64(h.asText())));
    }
    return out;
  }
}
