package dev.sigwatch.simulator.rekorv1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import dev.sigwatch.simulator.http.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Rekor v1 REST read API over a {@link RekorV1Log}: {@code log}, {@code log/proof}, {@code log/entries?logIndex=},
 * {@code log/entries/retrieve} (at most {@value #MAX_RETRIEVE} indexes, else 422) and {@code log/publicKey}.
 */
public final class RekorV1Routes implements Route {
  /** Rekor's own limit on indexes per retrieve request. */
  public static final int MAX_RETRIEVE = 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private final RekorV1Log log;
  /** Entries rendered ahead ({@link #prerender}), by shard tree id; used while that shard and head are current. */
  private final Map<Long, Rendered> rendered = new ConcurrentHashMap<>();

  /** The {@code {uuid: entry}} JSON of every leaf of {@code shard} as served under {@code head}. */
  private record Rendered(V1Shard shard, V1Shard.Head head, byte[][] json) {}

  public RekorV1Routes(RekorV1Log log) {
    this.log = log;
  }

  /**
   * Renders every published entry of every shard now (on all cores), so that serving them is a copy of bytes: a
   * load-test source that must not be the bottleneck. Rendered entries are served while their shard and its head are
   * the current ones (a new head or shard renders on demand again, as does a tampered entry); the output is
   * byte-for-byte what on-demand rendering serves. Holds every entry's JSON in memory (~3 KB each).
   */
  public void prerender() {
    for (V1Shard s : log.shards()) {
      V1Shard.Head h = s.head();
      byte[][] json = new byte[(int) h.size()][];
      IntStream.range(0, json.length).parallel()
          .forEach(i -> json[i] = render(s, h, i).getBytes(StandardCharsets.UTF_8));
      rendered.put(s.treeId(), new Rendered(s, h, json));
    }
  }

  @Override
  public Response handle(Request r) throws Request.BadRequest {
    switch (r.path()) {
      case "/log", "/log/": return Response.json(logInfo());
      case "/log/publicKey": return new Response(200, "application/x-pem-file",
          V1Bodies.pem("PUBLIC KEY", log.key().spki()).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          java.util.Map.of());
      case "/log/proof": return proof(r);
      case "/log/entries": return single(r.longParam("logIndex"));
      case "/log/entries/retrieve": return retrieve(r.body());
      default: return Response.notFound(r.path());
    }
  }

  private String logInfo() {
    V1Shard a = log.active();
    V1Shard.Head h = log.servedHead();
    StringBuilder b = new StringBuilder("{\"inactiveShards\":[");
    List<V1Shard> inactive = log.inactive();
    for (int i = 0; i < inactive.size(); i++) {
      b.append(i > 0 ? ",{" : "{");
      headFields(b, inactive.get(i).head(), inactive.get(i).treeId());
      b.append('}');
    }
    b.append("],");
    headFields(b, h, a.treeId());
    return b.append('}').toString();
  }

  private static void headFields(StringBuilder b, V1Shard.Head h, long treeId) {
    b.append("\"rootHash\":\"").append(HEX.formatHex(h.root())).append("\",\"signedTreeHead\":")
        .append(h.noteJson()).append(",\"treeID\":\"").append(treeId).append("\",\"treeSize\":")
        .append(h.size());
  }

  private Response proof(Request r) throws Request.BadRequest {
    long first = r.longParam("firstSize");
    String tid = r.query().get("treeID");
    V1Shard s = log.active();
    if (tid != null) {
      s = log.shards().stream().filter(x -> Long.toString(x.treeId()).equals(tid)).findFirst().orElse(null);
      if (s == null) return Response.notFound("tree " + tid);
    }
    long last = r.query().containsKey("lastSize") ? r.longParam("lastSize") : s.head().size();
    long provable = Math.min(s.provableSize(), s.tree().size());
    if (first < 1 || first > last || last > provable) {
      return Response.error(400, "need 1 <= firstSize <= lastSize <= " + provable + ", got " + first + ", " + last);
    }
    List<byte[]> hashes = s.tree().consistencyProof(first, last);
    StringBuilder b = new StringBuilder("{\"hashes\":[");
    for (int i = 0; i < hashes.size(); i++) b.append(i > 0 ? ",\"" : "\"").append(HEX.formatHex(hashes.get(i))).append('"');
    return Response.json(b.append("],\"rootHash\":\"").append(HEX.formatHex(s.tree().root(last))).append("\"}").toString());
  }

  private Response single(long global) {
    byte[] json = entry(global);
    return json == null ? Response.notFound("entry at logIndex " + global) : Response.json(json);
  }

  private Response retrieve(byte[] body) throws Request.BadRequest {
    JsonNode idx;
    try {
      idx = JSON.readTree(body).path("logIndexes");
    } catch (IOException e) {
      throw new Request.BadRequest("body must be JSON: " + e.getMessage());
    }
    if (!idx.isArray()) throw new Request.BadRequest("logIndexes must be an array");
    if (idx.size() > MAX_RETRIEVE) {
      return Response.error(422, "logIndexes in body should have at most " + MAX_RETRIEVE + " items");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(idx.size() * 4096 + 2);
    out.write('[');
    boolean any = false;
    for (JsonNode n : idx) {
      byte[] json = entry(n.asLong(-1));
      if (json == null) continue; // as Rekor: an index with no entry is left out
      if (any) out.write(',');
      out.writeBytes(json);
      any = true;
    }
    out.write(']');
    return Response.json(out.toByteArray());
  }

  /** {uuid: entry} for {@code global}; null if no published entry has that index. */
  private byte[] entry(long global) {
    V1Shard s = log.shardOf(global);
    if (s == null) return null;
    V1Shard.Head h = s.head();
    long leaf = global - s.offset();
    Rendered r = rendered.get(s.treeId());
    if (r != null && r.shard() == s && r.head() == h && leaf < r.json().length && !log.tampered.contains(global)) {
      return r.json()[(int) leaf];
    }
    return render(s, h, leaf).getBytes(StandardCharsets.UTF_8);
  }

  /** {uuid: entry} of leaf {@code leaf} of {@code s} as served under {@code h}. */
  private String render(V1Shard s, V1Shard.Head h, long leaf) {
    long global = s.offset() + leaf;
    StringBuilder b = new StringBuilder(4096);
    V1Shard.Entry e = s.entry(leaf);
    byte[] body = e.body();
    byte[] leafHash = Rfc6962.leafHash(body);
    if (log.tampered.contains(global)) body = e.template().render(Rfc6962.leafHash(e.digest()));
    b.append("{\"").append(s.treeIdHex()).append(HEX.formatHex(leafHash)).append("\":{\"body\":\"")
        .append(Base64.getEncoder().encodeToString(body)).append("\",\"integratedTime\":").append(e.integratedTime())
        .append(",\"logID\":\"").append(log.logIdHex()).append("\",\"logIndex\":").append(global)
        .append(",\"verification\":{\"inclusionProof\":{\"checkpoint\":").append(h.noteJson())
        .append(",\"hashes\":[");
    List<byte[]> proof = s.tree().inclusionProof(leaf, h.size());
    for (int i = 0; i < proof.size(); i++) b.append(i > 0 ? ",\"" : "\"").append(HEX.formatHex(proof.get(i))).append('"');
    b.append("],\"logIndex\":").append(leaf).append(",\"rootHash\":\"").append(HEX.formatHex(h.root()))
        .append("\",\"treeSize\":").append(h.size()).append("},\"signedEntryTimestamp\":\"")
        .append(Base64.getEncoder().encodeToString(e.set())).append("\"}}}");
    return b.toString();
  }

  /** A JSON string literal; newlines and the note's em dash escaped as Rekor does. */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20 || c > 0x7e) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
