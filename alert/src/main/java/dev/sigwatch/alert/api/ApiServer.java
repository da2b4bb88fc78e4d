package dev.sigwatch.alert.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the API ({@code /api/v1/...}) and the web page (everything else), on the JDK's
 * {@code com.sun.net.httpserver} with a fixed pool of {@link ApiSettings#threads()} threads. Every request passes,
 * in order: the per-client rate limit (429), the query length limit (414), routing (404 / 405), bearer-token
 * authentication (401) and scope (403), the body size limit (413) and JSON parsing (400), then its handler.
 * Errors are JSON naming what to fix; an unexpected failure is a 500 with an id that is also logged.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  static final ObjectMapper JSON = new ObjectMapper();
  /** The page loads only its own scripts and styles, and may not be framed (clickjacking on admin buttons). */
  static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final HttpServer server;
  private final ExecutorService pool;
  private final ApiSettings settings;
  private final List<Route> routes;
  private final StaticContent web;
  private final RateLimiter limiter;

  private ApiServer(HttpServer server, ExecutorService pool, ApiSettings settings, List<Route> routes,
                    StaticContent web) {
    this.server = server;
    this.pool = pool;
    this.settings = settings;
    this.routes = List.copyOf(routes);
    this.web = web;
    this.limiter = new RateLimiter(settings.requestsPerSecond(), settings.burst(), System::nanoTime);
  }

  /** Binds and starts serving {@code routes} and {@code web}. */
  public static ApiServer start(ApiSettings settings, List<Route> routes, StaticContent web) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 128);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
      Thread t = new Thread(r, "sigwatch-api-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    ApiServer api = new ApiServer(server, pool, settings, routes, web);
    server.createContext("/", api::handle);
    server.start();
    if (settings.tokens().isEmpty()) {
      log.warn("API at {}: no api.tokens configured, so every API call is refused (401); make one with "
          + "'sigwatch api token --name NAME --scope admin' and add it to the config", api.baseUrl());
    } else {
      log.info("API and web page at {}/ ({} token(s))", api.baseUrl(), settings.tokens().size());
    }
    return api;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** e.g. {@code http://127.0.0.1:9480}. */
  public String baseUrl() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  public List<Route> routes() {
    return routes;
  }

  @Override
  public void close() {
    server.stop(1);
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      ex.getResponseHeaders().set("X-Frame-Options", "DENY");
      long wait = limiter.acquire(ex.getRemoteAddress().getAddress().getHostAddress());
      if (wait > 0) {
        ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
        sendError(ex, new ApiException(429, "rate_limited", null, "too many requests from this address (limit "
            + settings.requestsPerSecond() + "/s, burst " + settings.burst() + "); retry after " + wait + " s"));
        return;
      }
      String rawQuery = ex.getRequestURI().getRawQuery();
      if (rawQuery != null && rawQuery.length() > settings.maxQueryChars()) {
        sendError(ex, new ApiException(414, "query_too_long", null, "the query string is " + rawQuery.length()
            + " characters long, at most " + settings.maxQueryChars() + " are accepted"));
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      if (path.startsWith("/api/")) {
        api(ex, path, rawQuery);
      } else {
        page(ex, path);
      }
    } catch (IOException e) {
      log.debug("API: client went away: {}", e.toString());
    }
  }

  private void api(HttpExchange ex, String path, String rawQuery) throws IOException {
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    try {
      Route route = null;
      Map<String, String> pathParams = null;
      List<String> allowed = new ArrayList<>();
      for (Route r : routes) {
        Map<String, String> m = r.match(path);
        if (m != null) {
          allowed.add(r.method());
          if (r.method().equals(method)) {
            route = r;
            pathParams = m;
          }
        }
      }
      if (route == null) {
        if (allowed.isEmpty()) {
          throw ApiException.notFound("no endpoint " + path + "; see /api/v1/openapi.json");
        }
        ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new ApiException(405, "method_not_allowed", null, method + " is not allowed on " + path
            + "; allowed: " + String.join(", ", allowed));
      }
      ApiToken token = route.scope() == null ? null : authenticate(ex, route.scope());
      JsonNode body = body(ex, method);
      ApiResponse resp = route.handler().handle(new ApiRequest(method, pathParams, rawQuery, body,
          token == null ? null : token.name(), token == null ? null : token.scope()));
      send(ex, resp.status(), "application/json", JSON.writeValueAsBytes(resp.json()));
    } catch (ApiException e) {
      sendError(ex, e);
    } catch (RuntimeException e) {
      String id = UUID.randomUUID().toString();
      log.error("API: {} {} failed (error id {})", method, path, id, e);
      sendError(ex, new ApiException(500, "internal_error", null, "the server failed to answer; the error id "
          + id + " is in its log"));
    }
  }

  /** The token presented, if it has {@code required} scope. */
  private ApiToken authenticate(HttpExchange ex, Scope required) throws ApiException {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() > 7 + 512) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sigwatch\"");
      throw new ApiException(401, "unauthenticated", null, "this endpoint needs 'Authorization: Bearer <token>'"
          + (settings.tokens().isEmpty() ? "; the server has no api.tokens configured" : ""));
    }
    byte[] presented = ApiToken.sha256(h.substring(7).trim());
    ApiToken found = null;
    for (ApiToken t : settings.tokens()) {
      if (t.matches(presented)) {
        found = t;
      }
    }
    if (found == null) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sigwatch\", error=\"invalid_token\"");
      throw new ApiException(401, "unauthenticated", null, "the bearer token is not one of api.tokens");
    }
    if (!found.scope().allows(required)) {
      throw new ApiException(403, "forbidden", null, "token '" + found.name() + "' has scope "
          + found.scope().name().toLowerCase(Locale.ROOT) + "; this call needs "
          + required.name().toLowerCase(Locale.ROOT));
    }
    return found;
  }

  private JsonNode body(HttpExchange ex, String method) throws ApiException, IOException {
    if (method.equals("GET") || method.equals("HEAD")) {
      return null;
    }
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw new ApiException(400, "bad_request", null, "Content-Length is not a number");
      }
      if (n > settings.maxBodyBytes()) {
        throw tooLarge();
      }
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(settings.maxBodyBytes() + 1);
    }
    if (bytes.length > settings.maxBodyBytes()) {
      throw tooLarge();
    }
    if (bytes.length == 0) {
      return null;
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "unsupported_media_type", null, "the body must be application/json, was "
          + type);
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw ApiException.badParameter("body", "the body must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw ApiException.badParameter("body", "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "body_too_large", "body", "the request body is larger than "
        + settings.maxBodyBytes() + " bytes");
  }

  private void page(HttpExchange ex, String rawPath) throws IOException {
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    StaticContent.Asset a = rawPath.contains("..") || rawPath.contains("%") ? null : web.find(rawPath);
    if (a == null) {
      send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    ex.getResponseHeaders().set("Content-Security-Policy", CSP);
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    if (method.equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Type", a.contentType());
      ex.sendResponseHeaders(200, -1);
      return;
    }
    send(ex, 200, a.contentType(), a.bytes());
  }

  private static void sendError(HttpExchange ex, ApiException e) throws IOException {
    ObjectNode err = JSON.createObjectNode();
    err.put("status", e.status());
    err.put("code", e.code());
    if (e.parameter() != null) {
      err.put("parameter", e.parameter());
    }
    err.put("message", e.getMessage());
    ObjectNode root = JSON.createObjectNode();
    root.set("error", err);
    send(ex, e.status(), "application/json", JSON.writeValueAsBytes(root));
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
