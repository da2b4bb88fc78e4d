package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoredAlert;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/replays}: start a forensic replay (a watchlist over stored history), follow its progress, page
 * through its results, which are alerts kept under the replay's name and never mixed into the live alerts.
 */
final class ReplayRoutes {
  private static final Pattern NAME = Pattern.compile(ReplayRun.NAME_PATTERN);
  private static final Pattern BOUND = Pattern.compile("\\d{1,19}|\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z");
  private static final Pattern LOG_ID = Pattern.compile("[\\x20-\\x7e]{1,256}");
  private static final int MAX_WATCHLIST = 32 * 1024;

  private final AlertStore store;
  private final ReplayStarter starter;

  ReplayRoutes(AlertStore store, ReplayStarter starter) {
    this.store = store;
    this.starter = starter;
  }

  List<Route> routes() {
    return List.of(
        Route.get("/api/v1/replays", Scope.READ, this::list),
        Route.post("/api/v1/replays", Scope.ADMIN, this::start),
        Route.get("/api/v1/replays/{name}", Scope.READ, this::one),
        Route.get("/api/v1/replays/{name}/results", Scope.READ, this::results));
  }

  private ApiResponse list(ApiRequest r) throws ApiException {
    r.params(Set.of());
    return ApiResponse.ok(StoreJson.list("replays", store.replays(), StoreJson::replay));
  }

  private ApiResponse start(ApiRequest r) throws ApiException {
    r.params(Set.of());
    if (starter == null) {
      throw new ApiException(501, "not_available", null, "this server cannot start replays; run "
          + "'sigwatch replay' instead");
    }
    String name = r.bodyText("name", 100, true);
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badParameter("name", "name must match " + ReplayRun.NAME_PATTERN);
    }
    String watchlist = r.bodyText("watchlist", MAX_WATCHLIST, true);
    String from = bound(r, "from");
    String to = bound(r, "to");
    String logId = r.bodyText("logId", 256, false);
    if (logId != null && !LOG_ID.matcher(logId).matches()) {
      throw ApiException.badParameter("logId", "logId must be printable ASCII");
    }
    if (store.replay(name).isPresent()) {
      throw new ApiException(409, "conflict", "name", "a replay named " + name + " exists; pick another name");
    }
    ReplayRun run = StoreCalls.call(Set.of("name", "watchlist", "from", "to", "logId"),
        () -> starter.start(name, watchlist, from, to, logId));
    return ApiResponse.accepted(StoreJson.replay(run));
  }

  private static String bound(ApiRequest r, String field) throws ApiException {
    String v = r.bodyText(field, 64, false);
    if (v != null && !BOUND.matcher(v).matches()) {
      throw ApiException.badParameter(field, field + " must be an index or an ISO-8601 UTC time, was '" + v + "'");
    }
    return v;
  }

  private ApiResponse one(ApiRequest r) throws ApiException {
    r.params(Set.of());
    return ApiResponse.ok(StoreJson.replay(run(r)));
  }

  private ApiResponse results(ApiRequest r) throws ApiException {
    Params p = r.params(Set.of("cursor", "limit"));
    ReplayRun run = run(r);
    int limit = (int) p.longValue("limit", 1, AlertQuery.MAX_LIMIT, AlertQuery.DEFAULT_LIMIT);
    Page<StoredAlert> page = StoreCalls.call(Set.of("cursor", "limit"),
        () -> store.replayResults(run.name(), p.string("cursor"), limit));
    ObjectNode out = StoreJson.page("alerts", page.items(), StoreJson::alertSummary, page.nextCursor());
    out.set("replay", StoreJson.replay(run));
    return ApiResponse.ok(out);
  }

  private ReplayRun run(ApiRequest r) throws ApiException {
    String name = r.path("name");
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badParameter("name", "name must match " + ReplayRun.NAME_PATTERN);
    }
    return store.replay(name).orElseThrow(() -> ApiException.notFound("no replay " + name));
  }
}
