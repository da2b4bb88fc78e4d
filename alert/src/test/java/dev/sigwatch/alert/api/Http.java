package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for API tests: JSON in, status + JSON out. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  Http(String base) {
    this.base = base;
  }

  /** A response: status, headers, body text and body parsed as JSON (null if not JSON). */
  record Resp(int status, HttpResponse<String> raw, JsonNode json) {
    String error() {
      return json == null ? null : json.path("error").path("message").asText(null);
    }

    String parameter() {
      return json == null ? null : json.path("error").path("parameter").asText(null);
    }
  }

  Resp get(String path, String token) throws IOException, InterruptedException {
    return send(builder(path, token).GET().build());
  }

  Resp post(String path, String token, String json) throws IOException, InterruptedException {
    return send(builder(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Resp delete(String path, String token) throws IOException, InterruptedException {
    return send(builder(path, token).DELETE().build());
  }

  /**
   * A GET written on a plain socket, for request lines no HTTP client will send (malformed percent-encoding).
   * Returns the status code and the body when it is JSON.
   */
  Resp rawGet(String pathAndQuery, String token) throws IOException {
    URI u = URI.create(base);
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(30_000);
      String req = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + u.getHost() + "\r\nAuthorization: Bearer " + token
          + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int status = Integer.parseInt(all.substring(9, 12));
      String body = all.substring(all.indexOf("\r\n\r\n") + 4);
      return new Resp(status, null, body.startsWith("{") ? JSON.readTree(body) : null);
    }
  }

  Resp send(HttpRequest r) throws IOException, InterruptedException {
    HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    String ct = resp.headers().firstValue("Content-Type").orElse("");
    if (ct.startsWith("application/json") && !resp.body().isEmpty()) {
      json = JSON.readTree(resp.body());
    }
    return new Resp(resp.statusCode(), resp, json);
  }

  HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }
}
