package dev.sigwatch.alert.api;

import dev.sigwatch.alert.store.AlertDetail;
import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertState;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /api/v1/alerts}: list with filters and cursor paging, one alert with all its evidence, acknowledge, resolve. */
final class AlertRoutes {
  static final Set<String> LIST_PARAMS = Set.of("type", "severity", "minSeverity", "state", "logId", "ruleId",
      "identity", "since", "until", "cursor", "limit");
  private static final Pattern TYPES = Pattern.compile("[A-Za-z_]{1,64}(,[A-Za-z_]{1,64}){0,31}");
  private static final Pattern LOG_ID = Pattern.compile("[\\x20-\\x7e]{1,256}");
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern ALERT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final int MAX_REASON = 2000;

  private final AlertStore store;

  AlertRoutes(AlertStore store) {
    this.store = store;
  }

  List<Route> routes() {
    return List.of(
        Route.get("/api/v1/alerts", Scope.READ, this::list),
        Route.get("/api/v1/alerts/{alertId}", Scope.READ, this::detail),
        Route.post("/api/v1/alerts/{alertId}/acknowledge", Scope.ADMIN, r -> act(r, true)),
        Route.post("/api/v1/alerts/{alertId}/resolve", Scope.ADMIN, r -> act(r, false)));
  }

  private ApiResponse list(ApiRequest r) throws ApiException {
    Params p = r.params(LIST_PARAMS);
    String types = p.matching("type", TYPES, "alert types, comma-separated (e.g. FORK,SPLIT_VIEW)");
    Set<String> typeSet = new HashSet<>();
    if (types != null) {
      for (String t : types.split(",")) {
        typeSet.add(t.toUpperCase(java.util.Locale.ROOT));
      }
    }
    Instant since = p.instant("since");
    Instant until = p.instant("until");
    if (since != null && until != null && until.isBefore(since)) {
      throw ApiException.badParameter("until", "until (" + until + ") is before since (" + since + ")");
    }
    AlertQuery.Builder b = AlertQuery.builder()
        .types(typeSet)
        .severities(new HashSet<>(p.enumList("severity", Severity.class)))
        .minSeverity(p.enumValue("minSeverity", Severity.class))
        .states(new HashSet<>(p.enumList("state", AlertState.class)))
        .logId(p.matching("logId", LOG_ID, "a log id (printable ASCII, at most 256 characters)"))
        .ruleId(p.matching("ruleId", RULE_ID, "a rule id such as r-0123456789abcdef"))
        .identity(p.string("identity"))
        .from(since)
        .to(until)
        .cursor(p.string("cursor"))
        .limit((int) p.longValue("limit", 1, AlertQuery.MAX_LIMIT, AlertQuery.DEFAULT_LIMIT));
    Page<StoredAlert> page = StoreCalls.call(LIST_PARAMS, () -> store.alerts(b.build()));
    return ApiResponse.ok(StoreJson.page("alerts", page.items(), StoreJson::alertSummary, page.nextCursor()));
  }

  private ApiResponse detail(ApiRequest r) throws ApiException {
    r.params(Set.of());
    String id = alertId(r);
    return ApiResponse.ok(detail(id));
  }

  private com.fasterxml.jackson.databind.node.ObjectNode detail(String id) throws ApiException {
    AlertDetail d = store.alert(id).orElseThrow(() -> ApiException.notFound("no alert " + id));
    String logId = d.alert().logId();
    return StoreJson.detail(d, logId == null ? null : store.log(logId).orElse(null));
  }

  /** Acknowledges or resolves; who = the token's name ("by" in the body adds a person's name to it). */
  private ApiResponse act(ApiRequest r, boolean acknowledge) throws ApiException {
    r.params(Set.of());
    String id = alertId(r);
    String reason = r.bodyText("reason", MAX_REASON, true);
    String by = r.bodyText("by", 100, false);
    String who = by == null ? r.principal() : by + " (token " + r.principal() + ")";
    Optional<StoredAlert> done = StoreCalls.call(Set.of("reason", "by"),
        () -> acknowledge ? store.acknowledge(id, who, reason) : store.resolve(id, who, reason));
    done.orElseThrow(() -> ApiException.notFound("no alert " + id));
    return ApiResponse.ok(detail(id));
  }

  private static String alertId(ApiRequest r) throws ApiException {
    String id = r.path("alertId");
    if (!ALERT_ID.matcher(id).matches()) {
      throw ApiException.badParameter("alertId", "alertId must be 1-128 of letters, digits and ._:-");
    }
    return id;
  }
}
