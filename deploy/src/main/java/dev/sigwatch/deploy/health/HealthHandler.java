package dev.sigwatch.deploy.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /livez} and {@code GET /readyz} on the metrics port: 200 when live / ready, else 503, with a JSON body
 * naming every check ({@code {"status":"ready","checks":[{"name":"verify","status":"UP","detail":"RUNNING"}]}}).
 * Anything else is 404 (the metrics server answers {@code /metrics} itself).
 */
public final class HealthHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Health health;

  public HealthHandler(Health health) {
    this.health = health;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean live = path.equals("/livez");
      boolean ready = path.equals("/readyz");
      if (!live && !ready) {
        respond(exchange, 404, "{\"error\":\"not found: try /metrics, /livez or /readyz\"}");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        respond(exchange, 405, "{\"error\":\"GET only\"}");
        return;
      }
      Health.Report report = health.report();
      boolean ok = live ? report.live() : report.ready();
      ObjectNode body = JSON.createObjectNode();
      body.put("status", live ? (ok ? "live" : "down") : (ok ? "ready" : "not ready"));
      ArrayNode checks = body.putArray("checks");
      for (Health.Check c : report.checks()) {
        checks.addObject().put("name", c.name()).put("status", c.status().name()).put("detail", c.detail());
      }
      respond(exchange, ok ? 200 : 503, JSON.writeValueAsString(body));
    }
  }

  private static void respond(HttpExchange exchange, int code, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(code, -1);
      return;
    }
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
