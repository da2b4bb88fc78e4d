package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.match.authorize.Authorizations;
import dev.sigwatch.schemas.Authorization;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /api/v1/authorizations}: list, add and remove expected signings through the compacted
 * {@code sigwatch.authorizations} topic the running matcher follows, with the {@code authorize} command's semantics:
 * the id is {@code KIND:value} (adding the same one twice keeps one), the value is validated as the matcher validates
 * it (a bad one is a 400 naming the field). A watchlist match an authorization covers is an INFO AUTHORIZED alert.
 */
public final class AuthorizationRoutes {
  private static final int MAX_FIELD = 1024;

  private final CompactedTopic<Authorization> topic;
  private final Clock clock;

  public AuthorizationRoutes(CompactedTopic<Authorization> topic, Clock clock) {
    this.topic = topic;
    this.clock = clock;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/v1/authorizations", Scope.READ, this::list),
        Route.post("/api/v1/authorizations", Scope.ADMIN, this::add),
        Route.delete("/api/v1/authorizations/{authorizationId}", Scope.ADMIN, this::remove));
  }

  private ApiResponse list(ApiRequest r) throws ApiException {
    r.params(Set.of());
    return ApiResponse.ok(StoreJson.list("authorizations", List.copyOf(topic.current().values()),
        AuthorizationRoutes::toJson));
  }

  private ApiResponse add(ApiRequest r) throws ApiException {
    r.params(Set.of());
    if (r.body() == null) {
      throw ApiException.badParameter("body", "POST a JSON authorization, e.g. {\"kind\":\"TBS\",\"value\":\"<64 hex>\","
          + "\"description\":\"release v1.2\"}");
    }
    String kindText = r.bodyText("kind", 64, true);
    Authorizations.Kind kind;
    try {
      kind = Authorizations.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter("kind", "kind must be one of " + List.of(Authorizations.Kind.values())
          + ", was '" + kindText + "'");
    }
    String value = r.bodyText("value", MAX_FIELD, true);
    String id = Authorizations.id(kind, value);
    Authorization a = Authorization.newBuilder().setAuthorizationId(id).setKind(kind.name())
        .setValue(kind.normalize(value)).setDescription(r.bodyText("description", MAX_FIELD, false))
        .setCreatedAtMillis(clock.millis()).build();
    String problem = Authorizations.problem(a);
    if (problem != null) {
      throw ApiException.badParameter("value", problem);
    }
    try {
      topic.send(id, a);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", null, "interrupted while writing the authorization");
    }
    return ApiResponse.created(toJson(a));
  }

  private ApiResponse remove(ApiRequest r) throws ApiException {
    r.params(Set.of());
    String id = r.path("authorizationId");
    if (!topic.current().containsKey(id)) {
      throw ApiException.notFound("no authorization " + id + " in the authorizations topic");
    }
    try {
      topic.send(id, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", null, "interrupted while removing the authorization");
    }
    ObjectNode out = ApiServer.JSON.createObjectNode();
    out.put("removed", id);
    return ApiResponse.ok(out);
  }

  static ObjectNode toJson(Authorization a) {
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("authorizationId", a.getAuthorizationId());
    n.put("kind", a.getKind());
    n.put("value", a.getValue());
    if (a.getDescription() != null) {
      n.put("description", a.getDescription());
    }
    n.put("createdAt", Instant.ofEpochMilli(a.getCreatedAtMillis()).toString());
    return n;
  }
}
