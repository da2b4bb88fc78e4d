package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.LogEventRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/logs}: each log's health (size, verified head, audited-to index, lag, open incidents, last error)
 * and, for charts, its size and lag over time from the verify stage's CHECKPOINT_VERIFIED and AUDITED events.
 */
final class LogRoutes {
  /** The store returns at most this many events per call; the series is built from them. */
  private static final int MAX_EVENTS = 1000;

  private final AlertStore store;
  private final Clock clock;

  LogRoutes(AlertStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        Route.get("/api/v1/logs", Scope.READ, this::list),
        Route.get("/api/v1/logs/{logId}", Scope.READ, this::one),
        Route.get("/api/v1/logs/{logId}/history", Scope.READ, this::history));
  }

  private ApiResponse list(ApiRequest r) throws ApiException {
    r.params(Set.of());
    ObjectNode out = ApiServer.JSON.createObjectNode();
    ArrayNode logs = out.putArray("logs");
    store.logs().forEach(l -> logs.add(StoreJson.log(l)));
    return ApiResponse.ok(out);
  }

  private ApiResponse one(ApiRequest r) throws ApiException {
    r.params(Set.of());
    String id = r.path("logId");
    return ApiResponse.ok(StoreJson.log(store.log(id).orElseThrow(() -> ApiException.notFound("no log " + id
        + " in the store (GET /api/v1/logs lists the known ones)"))));
  }

  /**
   * {@code {points: [{at, size, auditedTo, lag}]}}, oldest first, at most {@code points} of them (evenly thinned),
   * over {@code since} (default: the last 24 hours).
   */
  private ApiResponse history(ApiRequest r) throws ApiException {
    Params p = r.params(Set.of("since", "points"));
    String id = r.path("logId");
    Instant since = p.instant("since");
    int points = (int) p.longValue("points", 2, 500, 60);
    if (store.log(id).isEmpty()) {
      throw ApiException.notFound("no log " + id + " in the store");
    }
    List<LogEventRow> events = new ArrayList<>(store.logEvents(id,
        since != null ? since : clock.instant().minus(Duration.ofDays(1)), MAX_EVENTS));
    java.util.Collections.reverse(events); // oldest first
    List<ObjectNode> series = new ArrayList<>();
    Long size = null;
    Long audited = null;
    for (LogEventRow e : events) {
      if (e.treeSize() == null) {
        continue;
      }
      if (e.type().equals("CHECKPOINT_VERIFIED")) {
        size = size == null ? e.treeSize() : Math.max(size, e.treeSize());
      } else if (e.type().equals("AUDITED")) {
        audited = audited == null ? e.treeSize() : Math.max(audited, e.treeSize());
      } else {
        continue;
      }
      ObjectNode pt = ApiServer.JSON.createObjectNode();
      pt.put("at", e.at().toString());
      if (size != null) {
        pt.put("size", size);
      }
      if (audited != null) {
        pt.put("auditedTo", audited);
      }
      if (size != null && audited != null) {
        pt.put("lag", Math.max(0, size - audited));
      }
      series.add(pt);
    }
    ObjectNode out = ApiServer.JSON.createObjectNode();
    out.put("logId", id);
    ArrayNode arr = out.putArray("points");
    thin(series, points).forEach(arr::add);
    return ApiResponse.ok(out);
  }

  /** At most {@code n} of {@code all}, evenly spaced, always keeping the last. */
  static <T> List<T> thin(List<T> all, int n) {
    if (all.size() <= n) {
      return all;
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(all.get((int) ((long) i * (all.size() - 1) / (n - 1))));
    }
    return out;
  }
}
