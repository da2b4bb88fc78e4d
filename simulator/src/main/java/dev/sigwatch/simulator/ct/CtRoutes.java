package dev.sigwatch.simulator.ct;

import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import dev.sigwatch.simulator.http.Route;
import dev.sigwatch.simulator.merkle.Tiles;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * HTTP for a {@link CtLog}: RFC 6962 {@code ct/v1/*} (get-entries capped at {@code maxEntries}); for tiled logs the
 * static-ct-api read path ({@code checkpoint}, {@code tile/<L>/<N>}, {@code tile/data/<N>}, {@code issuer/<fp>})
 * instead, with only {@code get-roots} of RFC 6962 (its read endpoints are 404, as on real static-ct logs).
 */
public final class CtRoutes implements Route {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  /** RFC 6962 read endpoints that a static-ct log does not serve (it keeps {@code get-roots}). */
  private static final java.util.Set<String> READ_ONLY_RFC6962 = java.util.Set.of("ct/v1/get-sth",
      "ct/v1/get-sth-consistency", "ct/v1/get-entries", "ct/v1/get-proof-by-hash", "ct/v1/get-entry-and-proof");
  private final CtLog log;
  private final int maxEntries;
  private final List<X509Certificate> roots;

  public CtRoutes(CtLog log, int maxEntries, List<X509Certificate> roots) {
    this.log = log;
    this.maxEntries = maxEntries;
    this.roots = List.copyOf(roots);
  }

  @Override
  public Response handle(Request r) throws Request.BadRequest {
    String p = r.path().startsWith("/") ? r.path().substring(1) : r.path();
    if (log.tiled() && READ_ONLY_RFC6962.contains(p)) {
      return Response.notFound(p); // a static-ct log serves its tree through tiles only, as Sunlight and Tessera do
    }
    switch (p) {
      case "ct/v1/get-sth": return sth();
      case "ct/v1/get-sth-consistency": return consistency(r.longParam("first"), r.longParam("second"));
      case "ct/v1/get-entries": return entries(r.longParam("start"), r.longParam("end"));
      case "ct/v1/get-proof-by-hash": return proofByHash(r.query().get("hash"), r.longParam("tree_size"));
      case "ct/v1/get-entry-and-proof": return entryAndProof(r.longParam("leaf_index"), r.longParam("tree_size"));
      case "ct/v1/get-roots": return roots();
      case "checkpoint": return log.tiled() ? Response.text(log.checkpoint()) : Response.notFound(p);
      default: break;
    }
    if (log.tiled() && p.startsWith("issuer/")) {
      byte[] der = log.issuer(p.substring(7));
      return der == null ? Response.notFound(p) : new Response(200, "application/pkix-cert", der, Map.of());
    }
    TilePath ref = log.tiled() ? Tiles.parse(p) : null;
    if (ref == null || ref.kind() == TilePath.Kind.ENTRIES) return Response.notFound(p);
    byte[] tile = Tiles.render(log.tree(), Math.max(log.sth().size(), log.provableSize()), ref,
        i -> log.entry(i).tileLeaf());
    return tile == null ? Response.notFound(p) : Response.bytes(tile);
  }

  private Response sth() {
    CtLog.Sth h = log.servedSth();
    return Response.json("{\"tree_size\":" + h.size() + ",\"timestamp\":" + h.timestamp() + ",\"sha256_root_hash\":\""
        + B64.encodeToString(h.root()) + "\",\"tree_head_signature\":\""
        + B64.encodeToString(CtLog.digitallySigned(h.signature())) + "\"}");
  }

  private Response consistency(long first, long second) {
    long size = Math.max(log.sth().size(), log.provableSize());
    if (first < 0 || first > second || second > size) {
      return Response.error(400, "need 0 <= first <= second <= " + size + ", got " + first + ", " + second);
    }
    return Response.json("{\"consistency\":" + b64List(log.tree().consistencyProof(first, second)) + "}");
  }

  private Response entries(long start, long end) {
    long size = log.sth().size();
    if (start < 0 || end < start || start >= size) {
      return Response.error(400, "need 0 <= start <= end and start < " + size + ", got " + start + ", " + end);
    }
    long last = Math.min(Math.min(end, size - 1), start + maxEntries - 1);
    StringBuilder b = new StringBuilder("{\"entries\":[");
    for (long i = start; i <= last; i++) {
      CtLog.Entry e = log.entry(i);
      if (i > start) b.append(',');
      b.append("{\"leaf_input\":\"").append(B64.encodeToString(e.leafInput())).append("\",\"extra_data\":\"")
          .append(B64.encodeToString(e.extraData())).append("\"}");
    }
    return Response.json(b.append("]}").toString());
  }

  private Response proofByHash(String hashB64, long treeSize) throws Request.BadRequest {
    if (hashB64 == null) throw new Request.BadRequest("missing query parameter hash");
    byte[] want = Base64.getDecoder().decode(hashB64);
    if (treeSize > log.sth().size()) return Response.error(400, "tree_size beyond the published head");
    for (long i = 0; i < treeSize; i++) {
      if (java.util.Arrays.equals(log.tree().leafHash(i), want)) {
        return Response.json("{\"leaf_index\":" + i + ",\"audit_path\":" + b64List(log.tree().inclusionProof(i, treeSize))
            + "}");
      }
    }
    return Response.notFound("leaf hash " + HexFormat.of().formatHex(want));
  }

  /** RFC 6962 section 4.8: the leaf (as served) and its audit path in the tree of {@code treeSize}. */
  private Response entryAndProof(long index, long treeSize) {
    long size = Math.max(log.sth().size(), log.provableSize());
    if (index < 0 || index >= treeSize || treeSize > size) {
      return Response.error(400, "need 0 <= leaf_index < tree_size <= " + size + ", got " + index + ", " + treeSize);
    }
    CtLog.Entry e = log.entry(index);
    return Response.json("{\"leaf_input\":\"" + B64.encodeToString(e.leafInput()) + "\",\"extra_data\":\""
        + B64.encodeToString(e.extraData()) + "\",\"audit_path\":" + b64List(log.tree().inclusionProof(index, treeSize))
        + "}");
  }

  private Response roots() {
    StringBuilder b = new StringBuilder("{\"certificates\":[");
    try {
      for (int i = 0; i < roots.size(); i++) {
        if (i > 0) b.append(',');
        b.append('"').append(B64.encodeToString(roots.get(i).getEncoded())).append('"');
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    return Response.json(b.append("]}").toString());
  }

  static String b64List(List<byte[]> hashes) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < hashes.size(); i++) {
      if (i > 0) b.append(',');
      b.append('"').append(B64.encodeToString(hashes.get(i))).append('"');
    }
    return b.append(']').toString();
  }
}
