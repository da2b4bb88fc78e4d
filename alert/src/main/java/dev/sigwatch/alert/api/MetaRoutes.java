package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code /api/v1/openapi.json} (public: it describes, it holds no data) and {@code /api/v1/session}. */
final class MetaRoutes {
  private final JsonNode openApi;

  MetaRoutes() {
    try (InputStream in = MetaRoutes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      openApi = ApiServer.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading openapi.json", e);
    }
  }

  List<Route> routes() {
    return List.of(
        Route.get("/api/v1/openapi.json", null, r -> ApiResponse.ok(openApi)),
        Route.get("/api/v1/session", Scope.READ, this::session));
  }

  JsonNode openApi() {
    return openApi;
  }

  private ApiResponse session(ApiRequest r) throws ApiException {
    r.params(Set.of());
    ObjectNode n = ApiServer.JSON.createObjectNode();
    n.put("name", r.principal());
    n.put("scope", r.scope().name().toLowerCase(Locale.ROOT));
    return ApiResponse.ok(n);
  }
}
