package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.ShardState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checkpoint rules as data. Each JSON file under {@code vectors/checkpoints} is a sequence of inputs to one judge
 * (checkpoints: which tree, size, proof from / to which size, signed how, observed when; and wall-clock liveness
 * ticks) and the verdict it must produce, named by the rule it exercises. Every vector runs twice: against the pure
 * {@link Judge} directly ({@link #judge}: the view round-trips through the stores' serdes after every step, as it does
 * through a restart), and through the Kafka Streams topology ({@link #topology}: TopologyTestDriver, wall-clock
 * punctuation for ticks), which must agree: the processor adds no rule. A new vector is a new file; see
 * DEVELOPERS.md "The checkpoint judge" for the format.
 *
 * <p>Trees (Rekor v1 unless the vector says {@code "log": "rekorV2"}): {@code honest}; {@code alt}, the same key
 * sharing its first 99 leaves (another view at 100 and beyond); {@code evil}, sharing 50; {@code shard2}, another
 * shard (tree id, key) of the same Rekor v1 instance; {@code signer: impostor}, a key the trusted root does not know.
 * A step may corrupt the signature ({@code corruptSignature}), claim another size than its note
 * ({@code claimSize}: malformed), list the tree as an inactive (frozen) shard ({@code inactive}), list the
 * instance's shards ({@code activeShards}), carry a signed timestamp {@code signedAgo} seconds before it was observed,
 * or (Rekor v2) say how each of the two witnesses of the 2-of-2 policy cosigned ({@code witnesses}: ok, missing,
 * bad). A step {@code {"tick": s}} is the liveness check at {@code s} seconds. {@code keyValidUntil} (seconds) ends
 * the honest key's validity.
 */
class CheckpointVectorsTest {

  static final long T = Harness.T0.toEpochMilli();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DIR = dir();

  static Path dir() {
    try {
      return Paths.get(CheckpointVectorsTest.class.getResource("/vectors/checkpoints").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> vectors() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList().stream();
    }
  }

  /** Every rule of the judge has a vector: each verdict and each alert type it can raise appears in one. */
  @Test
  void everyRuleHasAVector() throws IOException {
    Set<String> alerts = new HashSet<>();
    Set<String> verdicts = new HashSet<>();
    for (String name : vectors().toList()) {
      JsonNode want = read(name).get("want");
      want.get("alerts").forEach(a -> alerts.add(a.asText()));
      want.path("verdicts").forEach(v -> verdicts.add(v.asText().split(" ")[0]));
    }
    assertThat(alerts).containsAll(List.of(Findings.FORK, Findings.SPLIT_VIEW, Findings.ROLLBACK,
        Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY, Findings.SHARD_CHANGED, Findings.STALE_LOG,
        Findings.WITNESS_POLICY, Findings.UNPROVEN_CONSISTENCY));
    assertThat(verdicts).containsAll(List.of("accepted", "rotated", "unchanged", "held", "refused", "malformed",
        "checked"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void judge(String name) throws Exception {
    Vector v = new Vector(name, read(name));
    Judge judge = new Judge(Judge.Bounds.of(v.settings));
    CheckpointSignatures sigs = new CheckpointSignatures(v.settings::rootNow, v.settings.origins());
    WitnessCheck wc = new WitnessCheck(v.settings.witnessPolicy());
    Map<String, LogView> views = new LinkedHashMap<>();
    Set<String> raised = new HashSet<>();
    List<Alert> alerts = new ArrayList<>();
    List<LogEvent> events = new ArrayList<>();
    List<String> verdicts = new ArrayList<>();
    for (Input in : v.inputs) {
      List<Judgement> js = new ArrayList<>();
      if (in.checkpoint() == null) {
        for (String logId : List.copyOf(views.keySet())) {
          LogView view = views.get(logId);
          Optional<Instant> end = view instanceof LogView.Growing || view instanceof LogView.Stale
              ? sigs.endOf(logId) : Optional.empty();
          Judgement j = judge.tick(logId, view, end, in.at());
          views.put(logId, restored(j.view()));
          js.add(j);
        }
        verdicts.add("checked");
      } else {
        Checkpoint c = in.checkpoint();
        SignatureOutcome sig = sigs.verify(c);
        WitnessCheck.Result w = null;
        List<Map.Entry<String, LogState>> unlisted = List.of();
        if (sig instanceof SignatureOutcome.Valid ok) {
          if (v.settings.witnessPolicy().enabled() && c.getLogType() == LogType.REKOR_V2 && ok.note() != null) {
            w = wc.check(ok.note());
          }
          List<KeyValue<String, LogState>> all = new ArrayList<>();
          views.forEach((k, view) -> {
            if (view.state() != null) all.add(KeyValue.pair(k, view.state()));
          });
          unlisted = CheckpointProcessor.unlisted(sigs, c, all.iterator());
        }
        LogView view = views.getOrDefault(c.getLogId(), LogView.of(null, null));
        Judgement j = judge.judge(view, new Judge.Observation(c, sig, w, unlisted), in.at());
        if (!(j.verdict() instanceof Verdict.Malformed)) views.put(c.getLogId(), restored(j.view()));
        js.add(j);
        verdicts.add(name(j.verdict()));
      }
      for (Judgement j : js) {
        for (VerifyOutput o : j.out()) {
          if (o instanceof VerifyOutput.AlertOut a && raised.add(a.alert().getAlertId())) alerts.add(a.alert());
          if (o instanceof VerifyOutput.EventOut e) events.add(e.event());
        }
      }
    }
    v.check(alerts, events);
    if (v.want.has("verdicts")) {
      assertThat(verdicts).as("verdicts: " + v.rule).containsExactlyElementsOf(strings(v.want.get("verdicts")));
    }
    if (v.want.has("malformed")) {
      assertThat(verdicts.stream().filter(x -> x.equals("malformed")).count()).as("malformed")
          .isEqualTo(v.want.get("malformed").asLong());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void topology(String name) throws Exception {
    Vector v = new Vector(name, read(name));
    Path dir = Files.createTempDirectory("verify-vec-");
    try (Harness h = new Harness(v.settings, dir)) {
      long wall = T;
      for (Input in : v.inputs) {
        if (in.checkpoint() == null) {
          assertThat(in.at()).as("ticks move forward").isGreaterThan(wall);
          h.driver.advanceWallClockTime(Duration.ofMillis(in.at() - wall));
          wall = in.at();
        } else {
          h.checkpoints.pipeInput(in.checkpoint().getLogId(), in.checkpoint(), in.at());
        }
      }
      // A vector feeds no entries: the full audit's backlog HEALTH alert for a verified checkpoint whose entries never
      // come is the audit's, not the judge's (the judge raises no HEALTH).
      v.check(h.alerts().stream().filter(a -> !a.getType().equals(Findings.HEALTH)).toList(), h.events);
      if (v.want.has("malformed")) {
        assertThat(h.rejected()).as("malformed").hasSize(v.want.get("malformed").asInt());
      }
    }
  }

  /** The view as a restarted processor would read it back from the two stores. */
  static LogView restored(LogView view) {
    var ls = LogState.serde();
    var is = IncidentState.serde();
    LogState s = view.state() == null ? null
        : ls.deserializer().deserialize("t", ls.serializer().serialize("t", view.state()));
    return LogView.of(s, is.deserializer().deserialize("t", is.serializer().serialize("t", view.incidents())));
  }

  static String name(Verdict v) {
    if (v instanceof Verdict.Accepted) return "accepted";
    if (v instanceof Verdict.Rotated) return "rotated";
    if (v instanceof Verdict.Unchanged) return "unchanged";
    if (v instanceof Verdict.Held) return "held";
    if (v instanceof Verdict.Refused r) return "refused " + r.incident().type();
    if (v instanceof Verdict.Malformed) return "malformed";
    return "checked";
  }

  static JsonNode read(String name) throws IOException {
    try (InputStream in = CheckpointVectorsTest.class.getResourceAsStream("/vectors/checkpoints/" + name + ".json")) {
      if (in == null) throw new IOException("no vector " + name);
      return JSON.readTree(in);
    }
  }

  /** A checkpoint observed at {@code at}, or (checkpoint null) a liveness tick at {@code at}. */
  record Input(Checkpoint checkpoint, long at) {}

  /** One vector: its settings, its inputs built from its trees, and what it wants. */
  static final class Vector {
    final String rule;
    final JsonNode want;
    final VerifySettings settings;
    final List<Input> inputs = new ArrayList<>();
    final List<String> witnessNames = List.of("witness.one", "witness.two");
    final List<KeyPair> witnessKeys = List.of(TestLog.generate("Ed25519"), TestLog.generate("Ed25519"));
    final KeyPair forger = TestLog.generate("Ed25519");

    Vector(String name, JsonNode v) throws Exception {
      rule = name + ": " + v.get("rule").asText();
      want = v.get("want");
      boolean v2 = v.path("log").asText("rekorV1").equals("rekorV2");
      TestLog honest = v2 ? TestLog.rekorV2("log2025-1.rekor.vec").grow(1000) : TestLog.rekorV1("rekor.vec", 9).grow(1000);
      Map<String, TestLog> trees = new LinkedHashMap<>();
      trees.put("honest", honest);
      if (!v2) {
        trees.put("alt", TestLog.rekorV1("rekor.vec", 9, honest.keys).grow(99).grow(901, "alt"));
        trees.put("evil", TestLog.rekorV1("rekor.vec", 9, honest.keys).grow(50).grow(950, "evil"));
        trees.put("shard2", TestLog.rekorV1("rekor.vec", 10).grow(1000));
      }
      TestLog impostor = v2 ? TestLog.rekorV2("log2025-1.rekor.vec").grow(1000)
          : TestLog.rekorV1("rekor.vec", 9).grow(1000);
      String end = v.has("keyValidUntil") ? Instant.ofEpochMilli(T + v.get("keyValidUntil").asLong() * 1000).toString()
          : null;
      List<String> tlogs = new ArrayList<>(List.of(honest.trustedRootEntry("2025-01-01T00:00:00Z", end)));
      if (!v2) tlogs.add(trees.get("shard2").trustedRootEntry("2025-01-01T00:00:00Z", null));
      WitnessPolicy policy = null;
      if (v2) {
        List<String> vkeys = new ArrayList<>();
        for (int i = 0; i < witnessNames.size(); i++) vkeys.add(TestLog.vkey(witnessNames.get(i), witnessKeys.get(i)));
        policy = WitnessPolicy.ofVkeys(vkeys, 2);
      }
      settings = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(tlogs.toArray(String[]::new))), policy,
          Duration.ofHours(1), Duration.ofMinutes(1), "vec").withIncidentQuiet(Duration.ofMinutes(10))
          .withUnprovenAfter(Duration.ofMinutes(5));
      for (JsonNode step : v.get("steps")) {
        long at = T + (step.has("tick") ? step.get("tick") : step.get("at")).asLong() * 1000;
        if (step.has("tick")) {
          inputs.add(new Input(null, at));
          continue;
        }
        TestLog log = step.has("signer") ? impostor : trees.get(step.get("tree").asText());
        if (log == null) throw new IllegalArgumentException(name + ": unknown tree " + step.get("tree"));
        inputs.add(new Input(checkpoint(log, step, at, trees), at));
      }
    }

    Checkpoint checkpoint(TestLog log, JsonNode step, long at, Map<String, TestLog> trees) {
      long size = step.get("size").asLong();
      String text = log.body(size, log.tree.root(size));
      StringBuilder sigs = new StringBuilder(log.signatureLine(text, log.keys));
      long cosignedAt = at / 1000;
      JsonNode w = step.get("witnesses");
      for (int i = 0; log.type == LogType.REKOR_V2 && i < witnessNames.size(); i++) {
        String how = w == null ? "ok" : w.get(i).asText();
        if (how.equals("ok")) {
          sigs.append(TestLog.cosignatureLine(witnessNames.get(i), witnessKeys.get(i), text, cosignedAt));
        } else if (how.equals("bad")) {
          sigs.append(TestLog.cosignatureLine(witnessNames.get(i), witnessKeys.get(i), forger, text, cosignedAt));
        }
      }
      Checkpoint.Builder b = log.base(size, log.tree.root(size), text + "\n" + sigs, at);
      if (step.has("proofFrom") || step.has("proofTo")) {
        boolean from = step.has("proofFrom");
        long other = (from ? step.get("proofFrom") : step.get("proofTo")).asLong();
        List<byte[]> proof = from ? log.tree.consistencyProof(other, size) : log.tree.consistencyProof(size, other);
        b.setProofFromSize(other).setProofFromRoot(ByteBuffer.wrap(log.tree.root(other)))
            .setConsistencyProof(proof.stream().map(ByteBuffer::wrap).toList());
      }
      Checkpoint c = b.build();
      if (step.path("corruptSignature").asBoolean()) {
        String note = new String(c.getRawNote().array(), StandardCharsets.UTF_8);
        int i = note.indexOf("\n\u2014 ");
        i = note.indexOf(' ', i + 3) + 12;
        note = note.substring(0, i) + (note.charAt(i) == 'A' ? 'B' : 'A') + note.substring(i + 1);
        c = Checkpoint.newBuilder(c).setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).build();
      }
      if (step.has("claimSize")) c = Checkpoint.newBuilder(c).setTreeSize(step.get("claimSize").asLong()).build();
      if (step.path("inactive").asBoolean()) c = Checkpoint.newBuilder(c).setShardState(ShardState.INACTIVE).build();
      if (step.has("activeShards")) {
        List<String> shards = new ArrayList<>();
        step.get("activeShards").forEach(n -> shards.add(trees.get(n.asText()).logId));
        c = Checkpoint.newBuilder(c).setActiveShards(shards).build();
      }
      if (step.has("signedAgo")) {
        c = Checkpoint.newBuilder(c).setTimestampMillis(at - step.get("signedAgo").asLong() * 1000).build();
      }
      return c;
    }

    /** What every vector wants of the alerts (after the adapter's dedup by id) and events, whichever runner. */
    void check(List<Alert> alerts, List<LogEvent> events) {
      assertThat(alerts).as(rule).extracting(Alert::getType).containsExactlyElementsOf(strings(want.get("alerts")));
      assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
      assertThat(sizes(events, "CHECKPOINT_VERIFIED")).as("verified: " + rule)
          .containsExactlyElementsOf(longs(want.get("verified")));
      assertThat(sizes(events, "INCIDENT_CONTINUES")).as("continues: " + rule).hasSize(want.get("continues").asInt());
      assertThat(sizes(events, "CONSISTENCY_UNPROVEN")).as("unproven: " + rule)
          .containsExactlyElementsOf(longs(want.get("unproven")));
      if (want.has("rotated")) {
        assertThat(sizes(events, "SHARD_ROTATED")).as("rotated: " + rule)
            .containsExactlyElementsOf(longs(want.get("rotated")));
      }
      if (want.has("ended")) {
        assertThat(sizes(events, "SHARD_ENDED")).as("ended: " + rule)
            .containsExactlyElementsOf(longs(want.get("ended")));
      }
      if (want.has("recovered")) {
        assertThat(sizes(events, StaleLog.RECOVERED)).as("recovered: " + rule)
            .containsExactlyElementsOf(longs(want.get("recovered")));
      }
      if (want.has("resolved")) {
        List<String> resolved = events.stream().filter(e -> e.getType().equals("INCIDENT_RESOLVED"))
            .map(e -> e.getDetail().get("incidentType")).toList();
        if (want.get("resolved").isArray()) {
          assertThat(resolved).as("resolved: " + rule).containsExactlyElementsOf(strings(want.get("resolved")));
        } else {
          assertThat(resolved).as("resolved: " + rule).hasSize(want.get("resolved").asInt());
        }
      }
    }
  }

  static List<Long> sizes(List<LogEvent> events, String type) {
    return events.stream().filter(e -> e.getType().equals(type)).map(LogEvent::getTreeSize).toList();
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
