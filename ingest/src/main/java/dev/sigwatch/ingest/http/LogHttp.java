package dev.sigwatch.ingest.http;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one log: the JDK {@link HttpClient} with timeouts, a per-log request-rate limit, a response size limit and
 * retries (exponential backoff with jitter, honouring {@code Retry-After}) of 429, 5xx, timeouts, resets and
 * truncated or stalled bodies. Every attempt has one deadline from sending to the last body byte. Tracks the log's health: unhealthy after a request failed all its attempts, healthy again after
 * the next success. Thread-safe; meant to be shared by all fetchers of one log.
 */
public final class LogHttp {
  private static final Logger log = LoggerFactory.getLogger(LogHttp.class);
  /** Ends overdue exchanges: one daemon thread for every LogHttp of the JVM. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  /**
   * Largest response body read, in bytes. A log (or anything between it and us) is not trusted: without a cap a
   * malicious or broken server could stream an endless body and exhaust the heap of every stage's JVM, and with 32
   * requests in flight the damage multiplies. The biggest legitimate responses are Rekor v1 retrieve batches of 10
   * entries (a few MB at most: entries are limited to ~100 KB each by Rekor) and full tiles (256 × 64 KB bundles,
   * 16 MB worst case), so 32 MiB leaves room without letting a response take the heap.
   */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 32 << 20;

  /** Bytes of an error response's body kept for the error message. */
  static final int SNIPPET_BYTES = 200;

  /** Observes request outcomes (metrics). Implementations must be thread-safe. */
  public interface Listener {
    void retried(String what);

    void failed(String what);

    Listener NONE = new Listener() {
      @Override public void retried(String what) {}

      @Override public void failed(String what) {}
    };
  }

  private final String name;
  private final HttpClient client;
  private final RetryPolicy retry;
  private final RateLimiter limiter;
  private final Sleeper sleeper;
  private final Duration requestTimeout;
  private final int maxResponseBytes;
  private final Listener listener;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  /**
   * @param name the log, for log lines
   * @param requestTimeout per attempt, from sending to the last body byte
   */
  public LogHttp(String name, HttpClient client, RetryPolicy retry, RateLimiter limiter, Sleeper sleeper,
      Duration requestTimeout, int maxResponseBytes, Listener listener) {
    if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be >= 1, was " + maxResponseBytes);
    this.name = name;
    this.client = client;
    this.retry = retry;
    this.limiter = limiter;
    this.sleeper = sleeper;
    this.requestTimeout = requestTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.listener = listener;
  }

  /**
   * A client with a 10 s connect timeout, HTTP/1.1 keep-alive (many connections in parallel). Its internal tasks run
   * on its selector thread ({@code executor(Runnable::run)}) instead of being handed to a pool thread at every step:
   * nothing in them blocks (the body subscriber only copies bytes), and the hand-offs cost more than the work
   * (measured: 38 → 23 µs of CPU per Rekor v1 entry fetched).
   */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).executor(Runnable::run).build();
  }

  /** GET {@code uri}; the body as served. 404 → {@link FileNotFoundException} (no retry). */
  public byte[] get(URI uri) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).GET(), "GET " + uri);
  }

  /** POST a JSON body to {@code uri}. */
  public byte[] postJson(URI uri, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), "POST " + uri);
  }

  /** False once a request failed all its attempts, until the next request succeeds. */
  public boolean healthy() {
    return consecutiveFailures.get() == 0;
  }

  /** The last request failure, if the log is unhealthy. */
  public Optional<String> lastError() {
    return healthy() ? Optional.empty() : Optional.ofNullable(lastError.get());
  }

  /**
   * The failure for a log line: its message, or its type when it has none (a refused connection or an unknown host
   * comes as a {@code ConnectException} without a message), with the cause's when that says more.
   */
  static String describe(Throwable e) {
    String m = e.getMessage();
    if (m != null && !m.isBlank()) {
      return m;
    }
    Throwable c = e.getCause();
    return e.getClass().getSimpleName() + (c == null ? "" : " (" + describe(c) + ")");
  }

  private byte[] send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
    HttpRequest req = request.timeout(requestTimeout).header("User-Agent", "sigwatch").build();
    IOException failure = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      limiter.acquire();
      Duration retryAfter = null;
      try {
        HttpResponse<byte[]> resp = exchange(req, what);
        int status = resp.statusCode();
        if (status == 200) {
          consecutiveFailures.set(0);
          return resp.body();
        }
        String snippet = new String(resp.body(), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (status == 404) throw new FileNotFoundException(what + ": 404 " + snippet);
        if (status != 429 && status < 500) throw new HttpStatusException(status, what + ": HTTP " + status + " " + snippet);
        retryAfter = resp.headers().firstValue("Retry-After").flatMap(LogHttp::parseRetryAfter).orElse(null);
        failure = new IOException(what + ": HTTP " + status + " " + snippet);
      } catch (FileNotFoundException | HttpStatusException | ResponseTooLargeException e) {
        throw e;
      } catch (IOException e) { // reset, timeout, truncated or stalled body
        failure = e;
      }
      if (attempt < retry.maxAttempts()) {
        Duration d = retry.delay(attempt, retryAfter);
        log.warn("{}: {} failed ({}/{}): {}; retrying in {} ms", name, what, attempt, retry.maxAttempts(),
            describe(failure), d.toMillis());
        listener.retried(what);
        sleeper.sleep(d);
      }
    }
    consecutiveFailures.incrementAndGet();
    String msg = String.format(Locale.ROOT, "%s: failed after %d attempt(s): %s", what, retry.maxAttempts(),
        describe(failure));
    lastError.set(msg);
    listener.failed(what);
    throw new LogUnavailableException(msg, failure);
  }

  /**
   * One attempt, bounded as a whole by {@code requestTimeout}: the JDK's request timeout only covers the wait for the
   * response headers, so a server that sends headers and then stalls mid-body would otherwise hold the fetch thread
   * forever. On the deadline (or an interrupt) the exchange is cancelled and the connection dropped.
   *
   * <p>Blocking {@code send}, not {@code sendAsync}: the JDK completes every {@code sendAsync} future through
   * {@code CompletableFuture}'s default executor, which on a machine with 2 cores or fewer is a new thread per task
   * (one thread created per request; measured: ingest from the local simulator fell from ~22k to ~9k entries/s).
   */
  private HttpResponse<byte[]> exchange(HttpRequest req, String what) throws IOException, InterruptedException {
    AtomicReference<CappedBody> body = new AtomicReference<>();
    AtomicBoolean expired = new AtomicBoolean();
    Supplier<String> overdue = () -> String.format(Locale.ROOT, "%s: no complete response within %d ms", what,
        requestTimeout.toMillis());
    ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
      expired.set(true);
      CappedBody b = body.get();
      if (b != null) b.expire(overdue);
    }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      return client.send(req, info -> {
        CappedBody b = new CappedBody(info, maxResponseBytes, what);
        body.set(b);
        if (expired.get()) b.expire(overdue);
        return b;
      });
    } catch (HttpTimeoutException e) { // headers late (the request timeout) or body late (the deadline)
      throw new HttpTimeoutException(overdue.get());
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ResponseTooLargeException tooLarge) throw tooLarge;
      }
      throw e;
    } catch (InterruptedException e) {
      CappedBody b = body.get();
      if (b != null) b.cancel();
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "loghttp-deadlines");
      t.setDaemon(true);
      return t;
    });
    e.setRemoveOnCancelPolicy(true); // a request normally ends long before its deadline
    return e;
  }

  /**
   * Collects a body without buffering more than the cap: a 200's body fails with {@link ResponseTooLargeException} as
   * soon as its declared or received length exceeds {@code maxResponseBytes} (the connection is dropped); any other
   * status keeps only its first {@value #SNIPPET_BYTES} bytes, for the error message.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final int cap;
    private final boolean snippet;
    private final String what;
    private volatile Flow.Subscription subscription;

    CappedBody(HttpResponse.ResponseInfo info, int maxResponseBytes, String what) {
      this.snippet = info.statusCode() != 200;
      this.cap = snippet ? SNIPPET_BYTES : maxResponseBytes;
      this.what = what;
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (!snippet && declared > cap) {
        result.completeExceptionally(new ResponseTooLargeException(String.format(Locale.ROOT,
            "%s: response of %d bytes exceeds the limit of %d", what, declared, cap)));
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (result.isDone()) s.cancel();
      else s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) return;
      for (ByteBuffer item : items) {
        int n = item.remaining();
        if (buf.size() + n > cap) {
          if (snippet) {
            byte[] part = new byte[cap - buf.size()];
            item.get(part);
            buf.write(part, 0, part.length);
            result.complete(buf.toByteArray());
          } else {
            result.completeExceptionally(new ResponseTooLargeException(String.format(Locale.ROOT,
                "%s: response exceeds the limit of %d bytes", what, cap)));
          }
          cancel();
          return;
        }
        byte[] chunk = new byte[n];
        item.get(chunk);
        buf.write(chunk, 0, n);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buf.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    /** The deadline passed: fails the body (so {@code send} returns) and drops the connection. */
    void expire(Supplier<String> message) {
      result.completeExceptionally(new HttpTimeoutException(message.get()));
      cancel();
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) s.cancel();
    }
  }

  static Optional<Duration> parseRetryAfter(String v) {
    try {
      long s = Long.parseLong(v.trim());
      return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
    } catch (NumberFormatException e) {
      return Optional.empty(); // HTTP-date form: fall back to our own backoff
    }
  }

  /** The body is larger than the configured limit; not retried (the log would send it again). */
  public static final class ResponseTooLargeException extends IOException {
    public ResponseTooLargeException(String message) {
      super(message);
    }
  }
}
