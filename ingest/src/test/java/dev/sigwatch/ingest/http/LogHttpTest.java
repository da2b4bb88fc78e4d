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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LogHttp} against a real local HTTP server that answers from a script; the sleeper only records. */
class LogHttpTest {
  record Answer(int status, String body, String retryAfter, boolean truncate) {}

  private HttpServer server;
  private ExecutorService serverThreads;
  /** Released when a test ends: handlers that stall wait on it. */
  private final CountDownLatch release = new CountDownLatch(1);
  /** Never released: handlers that pace their body wait on it with a timeout. */
  private final CountDownLatch never = new CountDownLatch(1);
  private final AtomicInteger stalledRequests = new AtomicInteger();
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
      if (a.truncate()) { // half the body, then the server drops the connection (a handler that throws)
        ex.getResponseBody().write(body, 0, body.length / 2);
        ex.getResponseBody().flush();
        throw new java.io.IOException("truncated on purpose");
      }
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
      ex.close();
    });
    // Headers and 100 of 1000 bytes, then nothing until the test ends.
    server.createContext("/stall", ex -> {
      stalledRequests.incrementAndGet();
      ex.sendResponseHeaders(200, 1000);
      OutputStream out = ex.getResponseBody();
      out.write(new byte[100]);
      out.flush();
      await(release, Duration.ofSeconds(60));
      ex.close();
    });
    // 1000 bytes in four parts, 100 ms apart: slow, but complete well within the deadline.
    server.createContext("/slow", ex -> {
      ex.sendResponseHeaders(200, 1000);
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 4; i++) {
          if (i > 0) await(never, Duration.ofMillis(100));
          out.write("x".repeat(250).getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    });
    // Chunked (no Content-Length): 5000 bytes, then nothing until the test ends.
    server.createContext("/endless", ex -> {
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      for (int i = 0; i < 5; i++) out.write(new byte[1000]);
      out.flush();
      await(release, Duration.ofSeconds(60));
      ex.close();
    });
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
  }

  private static void await(CountDownLatch latch, Duration d) {
    try {
      latch.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private LogHttp http(int maxAttempts, int maxBytes) {
    return http(maxAttempts, maxBytes, Duration.ofSeconds(5));
  }

  private LogHttp http(int maxAttempts, int maxBytes, Duration attemptTimeout) {
    Sleeper recording = slept::add;
    return new LogHttp("test", LogHttp.defaultClient(), new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(30)),
        new RateLimiter(Double.POSITIVE_INFINITY, 1, System::nanoTime, recording), recording, attemptTimeout, maxBytes,
        LogHttp.Listener.NONE);
  }

  private URI uri() {
    return uri("/x");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void bodyThatStallsAfterTheHeadersTimesOutEachAttempt() {
    LogHttp http = http(2, 1 << 20, Duration.ofMillis(300));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> http.get(uri("/stall"))).isInstanceOf(LogUnavailableException.class)
        .hasMessageContaining("failed after 2 attempt(s)")
        .hasMessageContaining("no complete response within 300 ms");
    // Two 300 ms attempts (the backoff is recorded, not slept): far below the stall, which only ends with the test.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(stalledRequests).hasValue(2);
    assertThat(slept).hasSize(1);
    assertThat(http.healthy()).isFalse();
  }

  @Test
  void interruptingAFetchStalledMidBodyEndsItAtOnce() throws Exception {
    LogHttp http = http(1, 1 << 20, Duration.ofMinutes(5));
    java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        http.get(uri("/stall"));
        thrown.complete(null);
      } catch (Throwable e) {
        thrown.complete(e);
      }
    });
    t.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stalledRequests.get() == 1);
    t.interrupt(); // what IngestService.close() does to its fetch threads
    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void slowButCompleteBodyWithinTheDeadlineSucceeds() throws Exception {
    byte[] body = http(1, 1 << 20, Duration.ofSeconds(10)).get(uri("/slow"));
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("x".repeat(1000));
    assertThat(slept).isEmpty();
  }

  @Test
  void truncatedBodyIsRetried() throws Exception {
    script.add(new Answer(200, "a body that is cut in the middle", null, true));
    script.add(new Answer(200, "the whole body", null, false));
    LogHttp http = http(3, 1 << 20);
    assertThat(new String(http.get(uri()), StandardCharsets.UTF_8)).isEqualTo("the whole body");
    assertThat(requests).isEqualTo(2);
    assertThat(slept).hasSize(1);
  }

  @Test
  void bodyWithoutLengthIsRefusedAsSoonAsItPassesTheLimit() {
    // The server then stalls: only stopping at the cap (not at the end, not at the deadline) gives this exception.
    LogHttp http = http(3, 2500, Duration.ofSeconds(30));
    assertThatThrownBy(() -> http.get(uri("/endless"))).isInstanceOf(LogHttp.ResponseTooLargeException.class)
        .hasMessageContaining("response exceeds the limit of 2500 bytes");
    assertThat(slept).isEmpty();
  }

  @Test
  void errorStatusMessageKeepsTheStartOfTheBody() {
    script.add(new Answer(400, "bad " + "y".repeat(5000), null, false));
    assertThatThrownBy(() -> http(1, 1 << 20).get(uri())).isInstanceOf(HttpStatusException.class)
        .hasMessage("GET " + uri() + ": HTTP 400 bad " + "y".repeat(196));
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

  /**
   * Responses being received share one budget per log: while a stalled response holds most of it, another that would
   * go over fails at once (retried like a reset) instead of buffering; the budget is back once the exchange is over.
   */
  @Test
  void responsesShareOneMemoryBudgetPerLog() throws Exception {
    LogHttp h = http(1, 1000, Duration.ofSeconds(2)).withResponseBudget(1500);
    Thread stalled = new Thread(() -> {
      try {
        h.get(uri("/stall")); // declares 1000 bytes, sends 100, then stalls until its 2 s deadline
      } catch (Exception expected) {
        // timed out
      }
    });
    stalled.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> h.budgetInUse() >= 1000);
    script.add(new Answer(200, "y".repeat(1000), null, false));
    assertThatThrownBy(() -> h.get(uri())).isInstanceOf(LogUnavailableException.class)
        .hasMessageContaining("response budget");
    stalled.join(10_000);
    assertThat(h.budgetInUse()).isZero();
    script.add(new Answer(200, "z".repeat(1000), null, false));
    assertThat(h.get(uri())).hasSize(1000);
    assertThat(h.budgetInUse()).isZero();
  }

  @Test
  void rateLimiterSpacesRequests() throws Exception {
    long[] now = {0};
    List<Duration> waits = new ArrayList<>();
    RateLimiter limiter = new RateLimiter(10, 1, () -> now[0], waits::add);
    for (int i = 0; i < 3; i++) limiter.acquire();
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void failuresWithoutAMessageAreDescribedByTheirType() {
    assertThat(LogHttp.describe(new java.net.ConnectException())).isEqualTo("ConnectException");
    assertThat(LogHttp.describe(new java.io.IOException(new java.nio.channels.UnresolvedAddressException())))
        .isEqualTo("java.nio.channels.UnresolvedAddressException");
    assertThat(LogHttp.describe(new java.io.IOException(null, new java.net.ConnectException())))
        .isEqualTo("IOException (ConnectException)");
    assertThat(LogHttp.describe(new java.io.IOException("HTTP 503 down"))).isEqualTo("HTTP 503 down");
  }
}
