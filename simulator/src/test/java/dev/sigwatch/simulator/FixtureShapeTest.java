package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the simulator serves has the same JSON shape (field paths and value types) as the real captures. */
class FixtureShapeTest {
  static final Path FIXTURES = Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures"));
  static SigstoreSimulator sim;
  static final SimHttp http = new SimHttp();

  @BeforeAll
  static void start() {
    sim = SigstoreSimulator.builder().build().start();
    sim.pregenerate(20);
    sim.trigger(Incident.SHARD_ROTATION);
    sim.grow(20);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static JsonNode fixture(String rel) throws Exception {
    return SimHttp.JSON.readTree(Files.readAllBytes(FIXTURES.resolve(rel)));
  }

  /** Field paths with value types; array elements collapse to "[]". */
  static Set<String> shape(JsonNode n) {
    Set<String> out = new TreeSet<>();
    walk(n, "", out);
    return out;
  }

  private static void walk(JsonNode n, String p, Set<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        walk(e.getValue(), p + "." + e.getKey(), out);
      }
    } else if (n.isArray()) {
      n.forEach(c -> walk(c, p + "[]", out));
    } else {
      out.add(p + ":" + n.getNodeType());
    }
  }

  static JsonNode body(JsonNode entry) throws Exception {
    return SimHttp.JSON.readTree(Base64.getDecoder().decode(entry.get("body").asText()));
  }

  @Test
  void rekorV1EntriesOfEveryKindHaveTheRealShape() throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      JsonNode e = http.json(sim.rekorV1Url() + "/api/v1/log/entries?logIndex=" + i).elements().next();
      byKind.putIfAbsent(body(e).get("kind").asText(), e);
    }
    assertThat(byKind).containsOnlyKeys("hashedrekord", "dsse", "intoto", "rekord");
    Map<String, String> fixtures = Map.of(
        "hashedrekord", "rekor-v1/entries/derived-prod-hashedrekord-logIndex1633569114-shard2.json",
        "dsse", "rekor-v1/entries/derived-prod-dsse-logIndex155690850-shard2.json",
        "intoto", "rekor-v1/entries/derived-prod-intoto-v002-logIndex27244980-shard1.json",
        "rekord", "rekor-v1/entries/prod-rekord-minisign-logIndex1000000.json");
    for (Map.Entry<String, String> f : fixtures.entrySet()) {
      JsonNode want = fixture(f.getValue());
      if (!want.has("body")) want = want.elements().next();
      JsonNode got = byKind.get(f.getKey());
      assertThat(shape(body(got))).as(f.getKey() + " body").isEqualTo(shape(body(want)));
      Set<String> wantEntry = shape(want);
      wantEntry.remove(".uuid:STRING");
      assertThat(shape(got)).as(f.getKey() + " entry").isEqualTo(wantEntry);
    }
  }

  @Test
  void logInfoHasTheRealShape() throws Exception {
    JsonNode got = http.json(sim.rekorV1Url() + "/api/v1/log");
    assertThat(shape(got)).isEqualTo(shape(fixture("rekor-v1/log-info/prod-api-v1-log-treesize2953833797.json")));
  }

  @Test
  void rekorV2BodiesHaveTheRealShape() throws Exception {
    byte[] bundle = http.get(sim.rekorV2Url() + "/api/v2/tile/entries/000.p/1").body();
    ByteBuffer b = ByteBuffer.wrap(bundle);
    byte[] body = new byte[b.getShort() & 0xffff];
    b.get(body);
    JsonNode want = fixture("rekor-v2/entries/prod-log2025-1-logIndex4855114-hashedrekord-v002-body.json");
    assertThat(shape(SimHttp.JSON.readTree(body))).isEqualTo(shape(want));
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(SimHttp.JSON.writeValueAsString(
        SimHttp.JSON.readTree(body))); // compact, as canonical JSON is
  }

  @Test
  void trustedRootUsesTheRealFields() throws Exception {
    Set<String> got = shape(SimHttp.JSON.readTree(sim.trustedRoot()));
    Set<String> want = shape(fixture("trust/production/trusted_root.json"));
    want.addAll(shape(fixture("trust/staging/trusted_root.json")));
    assertThat(want).containsAll(got.stream().filter(p -> !p.startsWith(".timestampAuthorities")).toList());
    assertThat(got).contains(".tlogs[].logId.keyId:STRING", ".ctlogs[].publicKey.rawBytes:STRING",
        ".certificateAuthorities[].certChain.certificates[].rawBytes:STRING");
  }
}
