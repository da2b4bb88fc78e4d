package dev.sigwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LogHttp} against a real local HTTP server that answers from a script; the sleeper only records. */
class LogHttpTest {
  record Answer(int status, String body, String retryAfter, boolean truncate) {}

  private HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private int requests;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      Answer a;
      synchronized (this) {
        requests++;
        a = script.isEmpty() ? new Answer(200, "ok", null, false) : script.poll();
      }
      byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
      if (a.retryAfter() != null) ex.getResponseHeaders().set("Retry-After", a.retryAfter());
      ex.sendResponseHeaders(a.status(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body, 0, a.truncate() ? body.length / 2 : body.length);
      } catch (java.io.IOException e) {
        // the truncated answer's connection is dropped
      }
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private LogHttp http(int maxAttempts, int maxBytes) {
    Sleeper recording = slept::add;
    return new LogHttp("test", LogHttp.defaultClient(), new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(30)),
        new RateLimiter(Double.POSITIVE_INFINITY, 1, System::nanoTime, recording), recording, Duration.ofSeconds(5), maxBytes,
        LogHttp.Listener.NONE);
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x");
  }

  @Test
  void retriesRateLimitAndUnavailableHonouringRetryAfter() throws Exception {
    script.add(new Answer(429, "slow down", "7", false));
    script.add(new Answer(503, "down", null, false));
    script.add(new Answer(200, "the body", null, false));
    LogHttp http = http(5, 1 << 20);
    assertThat(new String(http.get(uri()), StandardCharsets.UTF_8)).isEqualTo("the body");
    assertThat(requests).isEqualTo(3);
    assertThat(slept).hasSize(2);
    assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(7)); // Retry-After beats the 100 ms backoff
    assertThat(slept.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200)); // 2nd attempt: 200 ms, jittered
    assertThat(http.healthy()).isTrue();
  }

  @Test
  void unhealthyAfterEveryAttemptFailedThenHealthyAgain() throws Exception {
    for (int i = 0; i < 3; i++) script.add(new Answer(500, "boom", null, false));
    LogHttp http = http(3, 1 << 20);
    assertThatThrownBy(() -> http.get(uri())).isInstanceOf(LogUnavailableException.class)
        .hasMessageContaining("failed after 3 attempt(s)").hasMessageContaining("HTTP 500 boom");
    assertThat(http.healthy()).isFalse();
    assertThat(http.lastError()).isPresent();
    http.get(uri());
    assertThat(http.healthy()).isTrue();
  }

  @Test
  void notFoundAndClientErrorsAreNotRetried() throws Exception {
    script.add(new Answer(404, "no such tile", null, false));
    script.add(new Answer(422, "too many indexes", null, false));
    LogHttp http = http(5, 1 << 20);
    assertThatThrownBy(() -> http.get(uri())).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> http.get(uri())).isInstanceOf(HttpStatusException.class).hasMessageContaining("422");
    assertThat(requests).isEqualTo(2);
    assertThat(slept).isEmpty();
  }

  @Test
  void responseOverTheSizeLimitIsRefused() {
    script.add(new Answer(200, "x".repeat(1000), null, false));
    assertThatThrownBy(() -> http(5, 999).get(uri())).isInstanceOf(LogHttp.ResponseTooLargeException.class)
        .hasMessageContaining("1000 bytes exceeds the limit of 999");
    assertThat(requests).isEqualTo(1);
  }

  @Test
  void rateLimiterSpacesRequests() throws Exception {
    long[] now = {0};
    List<Duration> waits = new ArrayList<>();
    RateLimiter limiter = new RateLimiter(10, 1, () -> now[0], waits::add);
    for (int i = 0; i < 3; i++) limiter.acquire();
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }
}
