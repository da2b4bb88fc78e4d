package dev.sigwatch.ingest.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RejectedRecord;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entries malformed as served go to the DLQ with their reason and the position moves on; responses that cannot be
 * used as a whole throw. The leaves are real (fixtures/ct: production MerkleTreeLeaf of a Fulcio precertificate) and
 * mutations of them; extra_data is encoded here by hand (RFC 6962 PrecertChainEntry).
 */
class CtMalformedEntryTest {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private HttpServer server;
  /** The entry objects served by index; get-entries serves [start, end] of them. */
  private final List<String> served = new ArrayList<>();
  private String override;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/log/ct/v1/get-entries", ex -> {
      Map<String, String> q = Arrays.stream(ex.getRequestURI().getQuery().split("&"))
          .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
      int start = Integer.parseInt(q.get("start"));
      int end = Integer.parseInt(q.get("end"));
      String body = override != null ? override
          : "{\"entries\":[" + String.join(",", served.subList(start, end + 1)) + "]}";
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private CtSource source() {
    LogTarget t = LogTarget.of("ct", "http://127.0.0.1:" + server.getAddress().getPort() + "/log");
    return new CtSource(t, new HttpCtClient(t, CtSourceTest.http(t.withoutScheme())), CtSourceTest.TOPICS,
        Clock.systemUTC(), 100);
  }

  static byte[] fixtureLeaf() throws Exception {
    Path p = Path.of(System.getProperty("sigwatch.fixtures"), "ct", "sct-and-merkle-leaf-vectors.json");
    JsonNode v = new ObjectMapper().readTree(p.toFile()).get(0);
    return Base64.getDecoder().decode(v.get("merkle_tree_leaf_b64").asText());
  }

  /** PrecertChainEntry: opaque pre_certificate<1..2^24-1>, then ASN.1Cert chain<0..2^24-1>. */
  static byte[] precertExtraData(byte[] pre, byte[]... chain) throws Exception {
    ByteArrayOutputStream certs = new ByteArrayOutputStream();
    for (byte[] c : chain) {
      certs.write(u24(c.length));
      certs.write(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(u24(pre.length));
    out.write(pre);
    out.write(u24(certs.size()));
    out.write(certs.toByteArray());
    return out.toByteArray();
  }

  static byte[] u24(int n) {
    return new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  static String entry(byte[] leaf, byte[] extra) {
    return "{\"leaf_input\":\"" + B64.encodeToString(leaf) + "\",\"extra_data\":\"" + B64.encodeToString(extra) + "\"}";
  }

  @Test
  void malformedEntriesAreRejectedWithTheirReasonAndTheRestPublished() throws Exception {
    byte[] leaf = fixtureLeaf();
    byte[] der = Files.readAllBytes(Path.of(System.getProperty("sigwatch.fixtures"), "certs",
        "prod-github-actions-conformance-beacon-2024-12.der"));
    byte[] extra = precertExtraData(der, der);
    byte[] v1 = leaf.clone();
    v1[0] = 1; // version
    byte[] trailing = Arrays.copyOf(leaf, leaf.length + 1);
    byte[] cut = Arrays.copyOf(leaf, leaf.length - 5);
    byte[] extraTrailing = Arrays.copyOf(extra, extra.length + 2);
    served.add(entry(leaf, extra));                                             // 0 ok
    served.add(entry(v1, extra));                                               // 1
    served.add(entry(trailing, extra));                                         // 2
    served.add(entry(cut, extra));                                              // 3
    served.add(entry(leaf, extraTrailing));                                     // 4
    served.add("{\"leaf_input\":\"not base64!\",\"extra_data\":\"\"}");         // 5
    served.add("{\"extra_data\":\"" + B64.encodeToString(extra) + "\"}");       // 6
    served.add(entry(leaf, extra));                                             // 7 ok

    List<Fetched> got = source().fetch(0, 8);

    assertThat(got).extracting(Fetched::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(got).extracting(f -> f instanceof Fetched.Entry).containsExactly(true, false, false, false, false,
        false, false, true);
    // extra_data is not covered by the tree: a leaf with garbage extra_data is published (audited, matched) and noted.
    assertThat(got.get(4)).isInstanceOf(Fetched.Mismatched.class);
    Fetched.Mismatched kept = (Fetched.Mismatched) got.get(4);
    assertThat(CtSourceTest.bytes(((CtEntry) kept.value()).getLeafInput())).isEqualTo(leaf);
    assertThat(kept.note().getReason())
        .isEqualTo("index 4: extra_data: extra_data: 2 trailing bytes; the leaf is published, its extra_data is not usable");
    CtEntry ok = (CtEntry) ((Fetched.Entry) got.get(7)).value();
    assertThat(CtSourceTest.bytes(ok.getLeafInput())).isEqualTo(leaf);
    assertThat(CtSourceTest.bytes(ok.getExtraData())).isEqualTo(extra);
    List<RejectedRecord> r = got.stream().filter(f -> !(f instanceof Fetched.Entry))
        .map(f -> f instanceof Fetched.Rejected j ? j.record() : ((Fetched.Mismatched) f).note()).toList();
    assertThat(r.get(0).getReason()).isEqualTo("index 1: leaf_input: version: got 1, want 0 (v1)");
    assertThat(r.get(1).getReason()).isEqualTo("index 2: leaf_input: MerkleTreeLeaf: 1 trailing bytes");
    assertThat(r.get(2).getReason()).startsWith("index 3: leaf_input: ").contains("need");
    assertThat(r.get(3).getReason()).startsWith("index 4: extra_data: extra_data: 2 trailing bytes");
    assertThat(r.get(4).getReason()).startsWith("index 5: leaf_input is not base64: ");
    assertThat(r.get(5).getReason()).isEqualTo("index 6: leaf_input must be base64 text, but was: null");
    String logId = source().name();
    for (int i = 0; i < r.size(); i++) {
      RejectedRecord rec = r.get(i);
      assertThat(rec.getSource()).isEqualTo("ingest:" + logId);
      assertThat(rec.getLogId()).isEqualTo(logId);
      assertThat(rec.getLogIndex()).isEqualTo(i + 1L);
      assertThat(new String(CtSourceTest.bytes(rec.getValue()), StandardCharsets.UTF_8)).isEqualTo(served.get(i + 1));
    }
  }

  @Test
  void responsesThatCannotBeUsedAsAWholeThrow() throws Exception {
    CtSource source = source();
    override = "{\"entries\":[]}";
    assertThatThrownBy(() -> source.fetch(0, 3)).isInstanceOf(MalformedResponseException.class)
        .hasMessage("get-entries [0, 2]: 0 entries served, want 1 to 3");
    byte[] leaf = fixtureLeaf();
    String e = entry(leaf, precertExtraData(new byte[] {1}));
    override = "{\"entries\":[" + e + "," + e + "]}";
    assertThatThrownBy(() -> source.fetch(0, 1)).isInstanceOf(MalformedResponseException.class)
        .hasMessage("get-entries [0, 0]: 2 entries served, want 1 to 1");
    override = "{\"entries\":[" + e + ",";
    assertThatThrownBy(() -> source.fetch(0, 1)).isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("get-entries: bad JSON");
    override = "{\"other\":[1,2]}";
    assertThatThrownBy(() -> source.fetch(0, 1)).isInstanceOf(MalformedResponseException.class)
        .hasMessage("get-entries: no entries field");
  }
}
