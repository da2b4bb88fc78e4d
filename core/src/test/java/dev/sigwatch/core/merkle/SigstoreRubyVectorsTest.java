package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.TestBytes.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sigstore-ruby inclusion vectors (fixtures/merkle/sigstore-ruby/verify_inclusion.jsonl), whose
 * {@code expected_error} strings come from transparency-dev/merkle. Precondition errors must match
 * exactly; a "calculated root ... does not match expected root" error must be a {@link
 * RootMismatchException} carrying exactly the two roots the message lists.
 */
class SigstoreRubyVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MISMATCH =
      Pattern.compile("calculated root:\\n\\[([0-9 ]*)\\]\\n does not match expected root:\\n\\[([0-9 ]*)\\]");

  static List<JsonNode> vectors() throws IOException {
    Path file = TestBytes.fixtures().resolve("merkle/sigstore-ruby/verify_inclusion.jsonl");
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    assertThat(out).hasSize(94);
    return out;
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("vectors")
  void inclusion(JsonNode v) {
    long index = v.get("index").bigIntegerValue().longValue(); // uint64: 2^64-1 becomes -1
    long size = v.get("size").bigIntegerValue().longValue();
    byte[] leafHash = b64(v.get("leaf_hash").asText());
    byte[] root = b64(v.get("root").asText());
    List<byte[]> proof = new ArrayList<>();
    v.get("proof").forEach(h -> proof.add(b64(h.asText())));
    JsonNode expected = v.get("expected_error");
    String desc = v.get("desc").asText();

    if (expected == null || expected.isNull()) {
      assertThatCode(() -> MerkleVerifier.verifyInclusion(index, size, leafHash, proof, root))
          .as(desc).doesNotThrowAnyException();
      return;
    }
    ProofException e = catchThrowableOfType(
        () -> MerkleVerifier.verifyInclusion(index, size, leafHash, proof, root), ProofException.class);
    assertThat(e).as(desc).isNotNull();
    Matcher m = MISMATCH.matcher(expected.asText());
    if (m.matches()) {
      assertThat(e).as(desc).isInstanceOf(RootMismatchException.class);
      RootMismatchException mismatch = (RootMismatchException) e;
      assertThat(mismatch.got()).as(desc).isEqualTo(goBytes(m.group(1)));
      assertThat(mismatch.want()).as(desc).isEqualTo(goBytes(m.group(2)));
    } else {
      assertThat(e).as(desc).isNotInstanceOf(RootMismatchException.class).hasMessage(expected.asText());
    }
  }

  /** Parses Go's %v of a byte slice, "171 172 0". */
  private static byte[] goBytes(String s) {
    if (s.isBlank()) {
      return new byte[0];
    }
    String[] parts = s.trim().split(" ");
    byte[] out = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }
}
