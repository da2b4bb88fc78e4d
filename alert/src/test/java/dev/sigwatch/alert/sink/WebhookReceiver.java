package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP receiver of Standard Webhooks (JDK HttpServer on loopback) that verifies each request's signature with
 * the secrets it knows, as a receiver following standardwebhooks.com does, and records what it accepted. Faults can
 * be queued (one per request) or the receiver can be "down" (503 to everything) until healed.
 */
final class WebhookReceiver implements AutoCloseable {
  enum Fault { STATUS_500, TOO_MANY_REQUESTS, CLOSE_CONNECTION, HANG }

  /** One accepted message: the request's webhook-id and time, the item's type and key. */
  record Received(String webhookId, long atMillis, String type, String idempotencyKey, String alertId, JsonNode item) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpServer server;
  private final List<byte[]> keys;
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final List<Long> requestTimes = new ArrayList<>();
  private final List<String> rejected = new ArrayList<>();
  private volatile boolean down;
  private volatile long hangMillis = 3000;
  private volatile int retryAfterSeconds = 1;

  /** @param secrets the {@code whsec_} secrets this receiver accepts */
  WebhookReceiver(String... secrets) throws IOException {
    keys = new ArrayList<>();
    for (String s : secrets) keys.add(Base64.getDecoder().decode(s.substring("whsec_".length())));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/hook", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  synchronized void queue(Fault... f) {
    faults.addAll(List.of(f));
  }

  void down(boolean isDown) {
    down = isDown;
  }

  void hangMillis(long ms) {
    hangMillis = ms;
  }

  void retryAfterSeconds(int s) {
    retryAfterSeconds = s;
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  synchronized List<Long> requestTimes() {
    return List.copyOf(requestTimes);
  }

  synchronized List<String> rejected() {
    return List.copyOf(rejected);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    long now = System.currentTimeMillis();
    Fault f;
    synchronized (this) {
      requestTimes.add(now);
      f = faults.poll();
    }
    if (down) {
      respond(ex, 503, "down");
      return;
    }
    if (f != null) {
      switch (f) {
        case STATUS_500 -> respond(ex, 500, "boom");
        case TOO_MANY_REQUESTS -> {
          ex.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
          respond(ex, 429, "slow down");
        }
        case CLOSE_CONNECTION -> ex.close(); // no status line: the client sees the connection closed
        case HANG -> {
          try {
            Thread.sleep(hangMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(ex, 200, "too late");
        }
      }
      return;
    }
    String id = ex.getRequestHeaders().getFirst("webhook-id");
    String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
    String sig = ex.getRequestHeaders().getFirst("webhook-signature");
    String why = verify(id, ts, sig, body);
    if (why != null) {
      synchronized (this) {
        rejected.add(why);
      }
      respond(ex, 401, why);
      return;
    }
    JsonNode json = MAPPER.readTree(body);
    synchronized (this) {
      for (JsonNode item : json.path("data")) {
        received.add(new Received(id, now, item.path("type").asText(), item.path("idempotencyKey").asText(),
            item.path("alertId").asText(), item));
      }
    }
    respond(ex, 204, null);
  }

  /** Standard Webhooks verification: a recent timestamp and a v1 signature by one of the known keys. */
  private String verify(String id, String ts, String sig, byte[] body) {
    if (id == null || ts == null || sig == null) return "missing webhook headers";
    long t = Long.parseLong(ts);
    if (Math.abs(System.currentTimeMillis() / 1000 - t) > 300) return "timestamp too old or new";
    byte[] signed = (id + "." + ts + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    for (byte[] key : keys) {
      byte[] expected;
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        expected = mac.doFinal(signed);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      for (String part : sig.split(" ")) {
        if (part.startsWith("v1,")
            && MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
          return null;
        }
      }
    }
    return "no valid signature";
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
