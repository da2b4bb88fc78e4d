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
    return ApiResponse.ok(StoreJson.list("logs", store.logs(), StoreJson::log));
  }

  private ApiResponse one(ApiRequest r) throws ApiException {
    r.params(Set.of());
    String id = r.path("logId");
    return ApiResponse.ok(StoreJson.log(store.log(id).orElseThrow(() -> ApiException.notFound("no log " + id
        + " in the store (GET /api/v1/logs lists the known ones)"))));
  }

  /**
   * {@code {points: [{at, size, auditedTo, lag}]}}, oldest first, {@code points} of them (the state at evenly spaced times),
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
    // The log's state after each event: largest verified size and audited size so far.
    List<long[]> states = new ArrayList<>(); // {atMillis, size or -1, audited or -1}
    long size = -1;
    long audited = -1;
    for (LogEventRow e : events) {
      if (e.treeSize() == null) {
        continue;
      }
      if (e.type().equals("CHECKPOINT_VERIFIED")) {
        size = Math.max(size, e.treeSize());
      } else if (e.type().equals("AUDITED")) {
        audited = Math.max(audited, e.treeSize());
      } else {
        continue;
      }
      states.add(new long[] {e.at().toEpochMilli(), size, audited});
    }
    ObjectNode out = ApiServer.JSON.createObjectNode();
    out.put("logId", id);
    ArrayNode arr = out.putArray("points");
    for (long[] st : sample(states, points)) {
      ObjectNode pt = arr.addObject();
      pt.put("at", Instant.ofEpochMilli(st[0]).toString());
      if (st[1] >= 0) {
        pt.put("size", st[1]);
      }
      if (st[2] >= 0) {
        pt.put("auditedTo", st[2]);
      }
      if (st[1] >= 0 && st[2] >= 0) {
        pt.put("lag", Math.max(0, st[1] - st[2]));
      }
    }
    return ApiResponse.ok(out);
  }

  /**
   * The state at {@code n} evenly spaced instants from the first event to the last (the last one included), so a
   * chart's x axis is time and a verify-then-audit pair of events a second apart does not draw a saw tooth.
   */
  static List<long[]> sample(List<long[]> states, int n) {
    if (states.size() <= 1) {
      return states;
    }
    long t0 = states.get(0)[0];
    long t1 = states.get(states.size() - 1)[0];
    List<long[]> out = new ArrayList<>(n);
    int j = 0;
    for (int i = 0; i < n; i++) {
      long t = i == n - 1 ? t1 : t0 + (t1 - t0) * i / (n - 1);
      while (j + 1 < states.size() && states.get(j + 1)[0] <= t) {
        j++;
      }
      long[] s = states.get(j);
      out.add(new long[] {t, s[1], s[2]});
    }
    return out;
  }
}
