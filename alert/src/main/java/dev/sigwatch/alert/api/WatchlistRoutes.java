package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.match.watchlist.WatchlistTopic;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/watchlist}: list, add and remove runtime rules through the compacted watchlist topic, with the
 * {@code watchlist} command's semantics: a rule's id is derived from its content (adding the same rule twice keeps
 * one), it is validated as the matcher validates it (a bad regex is a 400 naming the field).
 */
public final class WatchlistRoutes {
  private static final int MAX_FIELD = 1024;
  private static final int MAX_VALUES = 100;

  private final WatchlistTopic topic;
  private final Clock clock;

  public WatchlistRoutes(WatchlistTopic topic, Clock clock) {
    this.topic = topic;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/watchlist", Scope.READ, this::list),
        Route.post("/api/v1/watchlist", Scope.ADMIN, this::add),
        Route.delete("/api/v1/watchlist/{ruleId}", Scope.ADMIN, this::remove));
  }

  private ApiResponse list(ApiRequest r) throws ApiException {
    r.params(Set.of());
    ObjectNode out = StoreJson.list("rules", List.copyOf(topic.current().values()), WatchlistRoutes::toJson);
    out.put("note", "rules of the config's monitoredValues are loaded at startup and are not listed here");
    return ApiResponse.ok(out);
  }

  private ApiResponse add(ApiRequest r) throws ApiException {
    r.params(Set.of());
    if (r.body() == null) {
      throw ApiException.badParameter("body", "POST a JSON rule, e.g. {\"type\":\"CERT_IDENTITY\","
          + "\"certSubject\":\"ops@acme\\\\.com\",\"issuers\":[]}");
    }
    String typeText = r.bodyText("type", 64, true);
    RuleType type;
    try {
      type = RuleType.valueOf(typeText.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter("type", "type must be one of " + List.of(RuleType.values()) + ", was '"
          + typeText + "'");
    }
    WatchRule rule = WatchRules.rule(type, r.bodyText("certSubject", MAX_FIELD, false), texts(r.body(), "issuers"),
        r.bodyText("value", MAX_FIELD, false), r.bodyText("oid", MAX_FIELD, false), texts(r.body(), "values"),
        clock.millis());
    rule.setDescription(r.bodyText("description", MAX_FIELD, false));
    String problem = Watchlist.problem(rule);
    if (problem != null) {
      throw ApiException.badParameter(fieldOf(type), problem);
    }
    try {
      topic.put(rule);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", null, "interrupted while writing the rule");
    }
    return ApiResponse.created(toJson(rule));
  }

  private ApiResponse remove(ApiRequest r) throws ApiException {
    r.params(Set.of());
    String id = r.path("ruleId");
    if (!topic.current().containsKey(id)) {
      throw ApiException.notFound("no rule " + id + " in the watchlist topic");
    }
    try {
      topic.remove(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", null, "interrupted while removing the rule");
    }
    ObjectNode out = ApiServer.JSON.createObjectNode();
    out.put("removed", id);
    return ApiResponse.ok(out);
  }

  /** The body field a rule type's problem is about. */
  private static String fieldOf(RuleType type) {
    return switch (type) {
      case CERT_IDENTITY -> "certSubject";
      case SUBJECT, FINGERPRINT -> "value";
      case FULCIO_EXTENSION, OID_EXTENSION -> "oid";
    };
  }

  private static List<String> texts(JsonNode body, String field) throws ApiException {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray() || v.size() > MAX_VALUES) {
      throw ApiException.badParameter(field, field + " must be an array of at most " + MAX_VALUES + " strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isEmpty() || e.asText().length() > MAX_FIELD) {
        throw ApiException.badParameter(field, field + " must hold non-empty strings of at most " + MAX_FIELD
            + " characters");
      }
      out.add(e.asText());
    }
    return out;
  }

  static ObjectNode toJson(WatchRule w) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("ruleId", w.getRuleId());
    n.put("type", w.getType().name());
    if (w.getCertSubject() != null) {
      n.put("certSubject", w.getCertSubject());
    }
    n.set("issuers", ApiServer.JSON.valueToTree(w.getIssuers()));
    if (w.getValue() != null) {
      n.put("value", w.getValue());
    }
    if (w.getOid() != null) {
      n.put("oid", w.getOid());
    }
    n.set("values", ApiServer.JSON.valueToTree(w.getValues()));
    if (w.getDescription() != null) {
      n.put("description", w.getDescription());
    }
    n.put("createdAt", Instant.ofEpochMilli(w.getCreatedAtMillis()).toString());
    return n;
  }
}
