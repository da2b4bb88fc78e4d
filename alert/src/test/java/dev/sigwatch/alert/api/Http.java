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
