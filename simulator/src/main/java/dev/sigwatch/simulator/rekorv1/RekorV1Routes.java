package dev.sigwatch.simulator.rekorv1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import dev.sigwatch.simulator.http.Route;
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
          .forEach(i -> {
            Json out = new Json(4096);
            render(s, h, i, out);
            json[i] = out.toByteArray();
          });
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
    Json out = new Json(4096);
    return entry(global, out) ? Response.json(out.toByteArray()) : Response.notFound("entry at logIndex " + global);
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
    Json out = new Json(idx.size() * 4608 + 2);
    out.add('[');
    boolean any = false;
    for (JsonNode n : idx) {
      int mark = out.size();
      if (any) out.add(',');
      if (entry(n.asLong(-1), out)) {
        any = true;
      } else {
        out.truncate(mark); // as Rekor: an index with no entry is left out
      }
    }
    out.add(']');
    return Response.json(out.toByteArray());
  }

  /** Writes {uuid: entry} for {@code global} to {@code out}; false (nothing written) if no published entry has it. */
  private boolean entry(long global, Json out) {
    V1Shard s = log.shardOf(global);
    if (s == null) return false;
    V1Shard.Head h = s.head();
    long leaf = global - s.offset();
    Rendered r = rendered.get(s.treeId());
    if (r != null && r.shard() == s && r.head() == h && leaf < r.json().length && !log.tampered.contains(global)) {
      out.add(r.json()[(int) leaf]);
      return true;
    }
    render(s, h, leaf, out);
    return true;
  }

  /** Writes {uuid: entry} of leaf {@code leaf} of {@code s} as served under {@code h} (ASCII JSON) to {@code out}. */
  private void render(V1Shard s, V1Shard.Head h, long leaf, Json out) {
    long global = s.offset() + leaf;
    V1Shard.Entry e = s.entry(leaf);
    // The UUID is the leaf hash of the logged body: the tree holds it (every tree is built from its entries' bodies).
    byte[] leafHash = leaf < s.tree().size() ? s.tree().leafHash(leaf) : Rfc6962.leafHash(e.body());
    out.ascii("{\"").ascii(s.treeIdHex()).hex(leafHash).ascii("\":{\"body\":\"");
    if (log.tampered.contains(global)) {
      out.add(Base64.getEncoder().encode(e.template().render(Rfc6962.leafHash(e.digest()))));
    } else if (e.digest().length == 32) {
      out.base64Body(e.template(), e.digest());
    } else {
      out.add(Base64.getEncoder().encode(e.body()));
    }
    out.ascii("\",\"integratedTime\":").number(e.integratedTime()).ascii(",\"logID\":\"").ascii(log.logIdHex())
        .ascii("\",\"logIndex\":").number(global).ascii(",\"verification\":{\"inclusionProof\":{\"checkpoint\":")
        .ascii(h.noteJson()).ascii(",\"hashes\":[");
    List<byte[]> proof = s.tree().inclusionProof(leaf, h.size());
    for (int i = 0; i < proof.size(); i++) out.ascii(i > 0 ? ",\"" : "\"").hex(proof.get(i)).add('"');
    out.ascii("],\"logIndex\":").number(leaf).ascii(",\"rootHash\":\"").hex(h.root()).ascii("\",\"treeSize\":")
        .number(h.size()).ascii("},\"signedEntryTimestamp\":\"").add(Base64.getEncoder().encode(e.set()))
        .ascii("\"}}}");
  }

  /**
   * A growable buffer of JSON text that is ASCII (a note's non-ASCII characters are escaped: {@link #jsonString}),
   * written straight to bytes: no string builder, string and encoding copies per entry.
   */
  static final class Json {
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf;
    private int size;

    Json(int capacity) {
      buf = new byte[capacity];
    }

    private void room(int n) {
      if (size + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }

    int size() {
      return size;
    }

    void truncate(int to) {
      size = to;
    }

    Json add(int b) {
      room(1);
      buf[size++] = (byte) b;
      return this;
    }

    Json add(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    /** {@code s}, which must be ASCII. */
    @SuppressWarnings("deprecation")
    Json ascii(String s) {
      int n = s.length();
      room(n);
      s.getBytes(0, n, buf, size); // deprecated for dropping a char's high byte: none here
      size += n;
      return this;
    }

    Json number(long v) {
      return ascii(Long.toString(v));
    }

    Json hex(byte[] b) {
      room(2 * b.length);
      for (byte x : b) {
        buf[size++] = HEX_DIGITS[(x >> 4) & 0xf];
        buf[size++] = HEX_DIGITS[x & 0xf];
      }
      return this;
    }

    Json base64Body(BodyTemplate t, byte[] digest) {
      room(t.base64Length());
      size = t.base64Into(digest, buf, size);
      return this;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, size);
    }
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
