package dev.sigwatch.simulator.control;

import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.LogTarget;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.http.Request;
import dev.sigwatch.simulator.http.Response;
import dev.sigwatch.simulator.http.Route;
import java.util.Locale;

/**
 * Drives a {@link SigstoreSimulator} running in another process (a benchmark's child JVM) over HTTP, under
 * {@code /control}: {@code GET status} (JSON: the Rekor v1 origin and sizes), {@code POST grow?n=}, {@code POST pregenerate?n=},
 * {@code POST trigger?incident=&target=} ({@link Incident}, {@link LogTarget}), {@code POST end-split-view},
 * {@code POST identity?email=&issuer=} (a signing by a new certificate, logged to Rekor v1 and v2). Registered only by
 * {@link BenchmarkSimulatorMain}, on loopback; the simulator's own methods are thread-safe, so is this.
 */
public final class ControlRoutes implements Route {
  private final SigstoreSimulator sim;

  public ControlRoutes(SigstoreSimulator sim) {
    this.sim = sim;
  }

  @Override
  public Response handle(Request r) throws Request.BadRequest {
    String p = r.path().startsWith("/") ? r.path().substring(1) : r.path();
    if (p.equals("status")) return Response.json(status());
    if (!r.method().equals("POST")) return Response.error(405, "control " + p + " needs POST");
    switch (p) {
      case "grow" -> sim.grow(Math.toIntExact(r.longParam("n")));
      case "pregenerate" -> sim.pregenerate(Math.toIntExact(r.longParam("n")));
      case "trigger" -> {
        try {
          sim.trigger(Incident.valueOf(param(r, "incident")), LogTarget.valueOf(param(r, "target")));
        } catch (IllegalArgumentException | IllegalStateException e) {
          return Response.error(400, e.getMessage());
        }
      }
      case "end-split-view" -> sim.endSplitView();
      case "identity" -> sim.addIdentity(Identity.email(param(r, "email"), param(r, "issuer")));
      default -> {
        return Response.notFound("control " + p);
      }
    }
    return Response.json(status());
  }

  /** The state a driver needs: the Rekor v1 active shard's origin and published size, Rekor v2's published size. */
  private String status() {
    var v1 = sim.rekorV1();
    var active = v1.active();
    return String.format(Locale.ROOT, "{\"rekorV1Origin\":\"%s\",\"rekorV1Size\":%d,\"rekorV1Entries\":%d,"
        + "\"rekorV2Size\":%d}", v1.origin(active), active.head().size(),
        active.offset() + active.tree().size(), sim.rekorV2().publishedSize());
  }

  private static String param(Request r, String name) throws Request.BadRequest {
    String v = r.query().get(name);
    if (v == null || v.isBlank()) throw new Request.BadRequest("missing query parameter " + name);
    return v;
  }
}
