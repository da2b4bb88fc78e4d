package dev.sigwatch.simulator.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response to send: status, content type, body bytes and extra headers. Immutable. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  public Response {
    if (status < 100 || status > 599) throw new IllegalArgumentException("status must be 100..599, was " + status);
    if (body == null) throw new IllegalArgumentException("body must not be null");
    headers = Map.copyOf(headers);
  }

  public static Response json(byte[] body) {
    return new Response(200, "application/json", body, Map.of());
  }

  public static Response json(String body) {
    return json(body.getBytes(StandardCharsets.UTF_8));
  }

  public static Response text(String body) {
    return new Response(200, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static Response bytes(byte[] body) {
    return new Response(200, "application/octet-stream", body, Map.of());
  }

  /** A JSON error object in Rekor's shape: {"code":..,"message":".."}. */
  public static Response error(int status, String message) {
    String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
    return new Response(status, "application/json",
        ("{\"code\":" + status + ",\"message\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static Response notFound(String what) {
    return error(404, what + " not found");
  }
}
