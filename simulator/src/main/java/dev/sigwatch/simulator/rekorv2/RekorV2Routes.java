package dev.sigwatch.simulator.rekorv2;

import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import dev.sigwatch.simulator.http.Route;
import dev.sigwatch.simulator.merkle.Tiles;

/** Rekor v2 read API under {@code /api/v2/}: {@code checkpoint}, {@code tile/<L>/<N>[.p/<W>]}, {@code tile/entries/<N>}. */
public final class RekorV2Routes implements Route {
  private final RekorV2Log log;

  public RekorV2Routes(RekorV2Log log) {
    this.log = log;
  }

  @Override
  public Response handle(Request r) {
    String p = r.path().startsWith("/") ? r.path().substring(1) : r.path();
    if (p.equals("checkpoint")) return Response.text(log.checkpoint());
    TilePath ref = Tiles.parse(p);
    if (ref == null || ref.kind() == TilePath.Kind.DATA) return Response.notFound(p);
    byte[] tile = Tiles.render(log.tree(), log.provableSize(), ref, log::body);
    return tile == null ? Response.notFound(p) : Response.bytes(tile);
  }
}
