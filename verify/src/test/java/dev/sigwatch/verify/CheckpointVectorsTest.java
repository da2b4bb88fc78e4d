package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checkpoint rules as data: each JSON vector under {@code vectors/checkpoints} is a sequence of checkpoints (which
 * tree, size, proof from / to which size, signed how, observed when) and the verdict it must produce (alert types in
 * order, the sizes accepted as head, INCIDENT_CONTINUES and INCIDENT_RESOLVED counts, the sizes left unproven), named
 * by the rule it exercises. Trees: {@code honest}; {@code alt}, the same key sharing its first 99 leaves (another view
 * at 100 and beyond); {@code evil}, sharing 50; {@code signer: impostor}, a key the trusted root does not know. A step
 * may also corrupt the signature ({@code corruptSignature}), list the tree as an inactive (frozen) shard
 * ({@code inactive}) or carry a signed timestamp {@code signedAgo} seconds before it was observed.
 */
class CheckpointVectorsTest {

  static final long T = Harness.T0.toEpochMilli();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String[] NAMES = {"consistent-growth", "empty-tree-needs-no-proof", "unproven-no-proof",
      "unproven-proof-from-earlier-size", "unproven-past-the-bound", "fork-proof-from-head-fails",
      "split-view-same-size", "split-view-smaller-unproven", "split-view-smaller-disproven", "rollback-proven-prefix",
      "rollback-to-a-verified-size", "distinct-facts-a-minute-apart", "quiet-period-closes-then-new-alert",
      "bad-signature-run-is-one-episode", "unknown-key-after-bad-signature-is-another-incident",
      "fork-growing-on-is-one-episode", "split-view-repeats-fold", "rollback-repeats-fold",
      "fork-keeps-the-verified-head", "rotation-is-no-alert-frozen-change-is", "frozen-shard-same-head-again",
      "stale-by-signed-timestamp", "fresh-signed-timestamp-is-not-stale", "first-checkpoint-bad-signature-then-valid",
      "proof-via-a-badly-signed-extension", "unsigned-extension-never-alerts"};

  static Stream<String> vectors() {
    return Stream.of(NAMES);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void vector(String name) throws Exception {
    JsonNode v;
    try (InputStream in = CheckpointVectorsTest.class.getResourceAsStream("/vectors/checkpoints/" + name + ".json")) {
      if (in == null) throw new IOException("no vector " + name);
      v = JSON.readTree(in);
    }
    TestLog honest = TestLog.rekorV1("rekor.vec", 9).grow(1000);
    TestLog alt = TestLog.rekorV1("rekor.vec", 9, honest.keys).grow(99).grow(901, "alt");
    TestLog evil = TestLog.rekorV1("rekor.vec", 9, honest.keys).grow(50).grow(950, "evil");
    TestLog impostor = TestLog.rekorV1("rekor.vec", 9).grow(1000);
    VerifySettings s = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(honest.trustedRootEntry(
        "2025-01-01T00:00:00Z", null))), null, Duration.ofHours(1), Duration.ofMinutes(1), "vec")
        .withIncidentQuiet(Duration.ofMinutes(10)).withUnprovenAfter(Duration.ofMinutes(5));
    Path dir = Files.createTempDirectory("verify-vec-");
    try (Harness h = new Harness(s, dir)) {
      for (JsonNode step : v.get("steps")) {
        TestLog log = step.has("signer") ? impostor : switch (step.get("tree").asText()) {
          case "honest" -> honest;
          case "alt" -> alt;
          case "evil" -> evil;
          default -> throw new IllegalArgumentException(name + ": unknown tree " + step.get("tree"));
        };
        long size = step.get("size").asLong();
        long at = T + step.get("at").asLong() * 1000;
        Checkpoint c = step.has("proofFrom") ? log.checkpointWithProofFrom(size, step.get("proofFrom").asLong(), at)
            : step.has("proofTo") ? log.checkpointWithProofTo(size, step.get("proofTo").asLong(), at)
            : log.checkpoint(size, at);
        if (step.path("noProof").asBoolean() || !step.has("proofFrom") && !step.has("proofTo")) {
          c = Checkpoint.newBuilder(c).setProofFromSize(null).setProofFromRoot(null).setConsistencyProof(List.of())
              .build();
        }
        if (step.path("corruptSignature").asBoolean()) {
          String note = new String(c.getRawNote().array(), StandardCharsets.UTF_8);
          int i = note.lastIndexOf(' ') + 12;
          note = note.substring(0, i) + (note.charAt(i) == 'A' ? 'B' : 'A') + note.substring(i + 1);
          c = Checkpoint.newBuilder(c).setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).build();
        }
        if (step.path("inactive").asBoolean()) {
          c = Checkpoint.newBuilder(c).setShardState(dev.sigwatch.schemas.ShardState.INACTIVE).build();
        }
        if (step.has("signedAgo")) {
          c = Checkpoint.newBuilder(c).setTimestampMillis(at - step.get("signedAgo").asLong() * 1000).build();
        }
        h.checkpoint(c);
      }
      JsonNode want = v.get("want");
      assertThat(h.alerts()).as(v.get("rule").asText()).extracting(Alert::getType)
          .containsExactlyElementsOf(strings(want.get("alerts")));
      assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
      assertThat(h.events("CHECKPOINT_VERIFIED")).as("verified").extracting(LogEvent::getTreeSize)
          .containsExactlyElementsOf(longs(want.get("verified")));
      assertThat(h.events("INCIDENT_CONTINUES")).as("continues").hasSize(want.get("continues").asInt());
      assertThat(h.events("CONSISTENCY_UNPROVEN")).as("unproven").extracting(LogEvent::getTreeSize)
          .containsExactlyElementsOf(longs(want.get("unproven")));
      if (want.has("rotated")) {
        assertThat(h.events("SHARD_ROTATED")).as("rotated").extracting(LogEvent::getTreeSize)
            .containsExactlyElementsOf(longs(want.get("rotated")));
      }
      if (want.has("resolved")) {
        assertThat(h.events("INCIDENT_RESOLVED")).as("resolved").hasSize(want.get("resolved").asInt());
      }
    }
  }

  static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<Long> longs(JsonNode a) {
    List<Long> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asLong()));
    return out;
  }
}
