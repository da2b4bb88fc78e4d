package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.alert.web.WebAssets;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's mechanics on a real socket, with small routes of its own: authentication, scopes, limits, errors and
 * the web page's files. The API's own endpoints are tested against a real store in {@code AlertApiTest}.
 */
class ApiServerTest {
  static final String ADMIN = ApiToken.generate();
  static final String READER = ApiToken.generate();
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    List<Route> routes = new ArrayList<>(new MetaRoutes().routes());
    routes.add(Route.get("/api/v1/echo", Scope.READ, r -> {
      ObjectNode n = ApiServer.JSON.createObjectNode();
      n.put("q", r.params(Set.of("q")).string("q"));
      n.put("who", r.principal());
      return ApiResponse.ok(n);
    }));
    routes.add(Route.post("/api/v1/echo", Scope.ADMIN, r -> ApiResponse.ok(r.body())));
    routes.add(Route.get("/api/v1/boom", Scope.READ, r -> {
      throw new IllegalStateException("a bug");
    }));
    server = ApiServer.start(new ApiSettings("127.0.0.1", 0, List.of(
        new ApiToken("ops", Scope.ADMIN, ApiToken.hash(ADMIN)),
        new ApiToken("viewer", Scope.READ, ApiToken.hash(READER))),
        1024, 512, 1000, 1000, 2), routes, WebAssets.load());
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aTokenOfEitherScopeReads() throws Exception {
    Http.Resp r = http.get("/api/v1/echo?q=x", READER);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("who").asText()).isEqualTo("viewer");
    assertThat(http.get("/api/v1/echo?q=x", ADMIN).json().get("who").asText()).isEqualTo("ops");
    assertThat(http.get("/api/v1/session", READER).json().get("scope").asText()).isEqualTo("read");
  }

  @Test
  void noTokenOrAnUnknownOneIs401() throws Exception {
    Http.Resp none = http.get("/api/v1/echo", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sigwatch\"");
    assertThat(none.error()).isEqualTo("this endpoint needs 'Authorization: Bearer <token>'");
    Http.Resp wrong = http.get("/api/v1/echo", ApiToken.generate());
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.error()).isEqualTo("the bearer token is not one of api.tokens");
    assertThat(http.get("/api/v1/echo", ADMIN.substring(0, ADMIN.length() - 1)).status()).isEqualTo(401);
  }

  @Test
  void aReadOnlyTokenOnAnAdminCallIs403() throws Exception {
    Http.Resp r = http.post("/api/v1/echo", READER, "{\"a\":1}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("token 'viewer' has scope read; this call needs admin");
    assertThat(http.post("/api/v1/echo", ADMIN, "{\"a\":1}").json().get("a").asInt()).isEqualTo(1);
  }

  @Test
  void theOpenApiDocumentIsPublic() throws Exception {
    Http.Resp r = http.get("/api/v1/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("openapi").asText()).startsWith("3.");
  }

  @Test
  void unknownPathsAndMethods() throws Exception {
    assertThat(http.get("/api/v1/nothing", ADMIN).status()).isEqualTo(404);
    Http.Resp r = http.delete("/api/v1/echo", ADMIN);
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.raw().headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void bodiesAreLimitedTypedAndParsed() throws Exception {
    Http.Resp big = http.post("/api/v1/echo", ADMIN, "{\"a\":\"" + "x".repeat(2000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.error()).isEqualTo("the request body is larger than 1024 bytes");
    Http.Resp malformed = http.post("/api/v1/echo", ADMIN, "{\"a\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.parameter()).isEqualTo("body");
    assertThat(http.post("/api/v1/echo", ADMIN, "[1,2]").parameter()).isEqualTo("body");
    Http.Resp text = http.send(http.builder("/api/v1/echo", ADMIN).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("a=1")).build());
    assertThat(text.status()).isEqualTo(415);
  }

  @Test
  void longQueriesAre414AndBadParameters400() throws Exception {
    assertThat(http.get("/api/v1/echo?q=" + "x".repeat(600), ADMIN).status()).isEqualTo(414);
    Http.Resp r = http.get("/api/v1/echo?nope=1", ADMIN);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.parameter()).isEqualTo("nope");
  }

  @Test
  void aFailingHandlerIs500WithAnIdNotAStackTrace() throws Exception {
    Http.Resp r = http.get("/api/v1/boom", ADMIN);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.error()).matches("the server failed to answer; the error id [0-9a-f-]{36} is in its log");
    assertThat(r.raw().body()).doesNotContain("a bug").doesNotContain("IllegalStateException");
  }

  @Test
  void theWebPageIsServedWithAStrictPolicyAndNothingElseIs() throws Exception {
    Http.Resp page = http.get("/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().body()).contains("<title>sigwatch</title>");
    assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(page.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(http.get("/app.js", null).raw().headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(http.get("/../pom.xml", null).status()).isEqualTo(404);
    assertThat(http.get("/%2e%2e/%2e%2e/etc/passwd", null).status()).isEqualTo(404);
    assertThat(http.get("/dev/sigwatch/alert/api/openapi.json", null).status()).isEqualTo(404);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build()).status()).isEqualTo(405);
  }

  @Test
  void clientsOverTheRateAre429WithRetryAfter() throws Exception {
    server.close();
    server = ApiServer.start(ApiSettings.of(0, List.of(new ApiToken("ops", Scope.ADMIN, ApiToken.hash(ADMIN))))
        .withRate(0.01, 3), new MetaRoutes().routes(), StaticContent.NONE);
    http = new Http(server.baseUrl());
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/api/v1/session", ADMIN).status()).isEqualTo(200);
    }
    Http.Resp r = http.get("/api/v1/session", ADMIN);
    assertThat(r.status()).isEqualTo(429);
    assertThat(Long.parseLong(r.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 100L);
  }

  @Test
  void tokensAreKeptAsHashesOnly() {
    String t = ApiToken.generate();
    assertThat(t).startsWith("swt_").hasSize(4 + 43);
    ApiToken stored = new ApiToken("ops", Scope.ADMIN, ApiToken.hash(t));
    assertThat(stored.toString()).doesNotContain(t);
    assertThat(stored.matches(ApiToken.sha256(t))).isTrue();
    assertThat(stored.matches(ApiToken.sha256(ApiToken.generate()))).isFalse();
  }
}
