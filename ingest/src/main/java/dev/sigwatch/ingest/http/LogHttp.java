package dev.sigwatch.ingest.http;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
import java.util.concurrent.atomic.AtomicLong;
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

  /**
   * Bytes all of one log's responses may hold while they are being received, together. Without it, a hostile log
   * answering every one of 32 requests in flight with a body just under the cap would take 32 × 32 MiB at once; with
   * it, a response that would go over the budget fails at once (retried later, like a reset) instead of buffering.
   * Ordinary responses (a few hundred KB) never meet it. At least one response of the cap always fits.
   */
  public static final long DEFAULT_RESPONSE_BUDGET_BYTES = 2L * DEFAULT_MAX_RESPONSE_BYTES;

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
  private final AtomicLong budgetLeft;
  private final long budget;
  private final Listener listener;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  /**
   * @param name the log, for log lines
   * @param requestTimeout per attempt, from sending to the last body byte
   */
  public LogHttp(String name, HttpClient client, RetryPolicy retry, RateLimiter limiter, Sleeper sleeper,
      Duration requestTimeout, int maxResponseBytes, Listener listener) {
    this(name, client, retry, limiter, sleeper, requestTimeout, maxResponseBytes, listener,
        Math.max(maxResponseBytes, DEFAULT_RESPONSE_BUDGET_BYTES));
  }

  /** This client with another response budget (see {@link #DEFAULT_RESPONSE_BUDGET_BYTES}); for tests. */
  LogHttp withResponseBudget(long bytes) {
    return new LogHttp(name, client, retry, limiter, sleeper, requestTimeout, maxResponseBytes, listener, bytes);
  }

  private LogHttp(String name, HttpClient client, RetryPolicy retry, RateLimiter limiter, Sleeper sleeper,
      Duration requestTimeout, int maxResponseBytes, Listener listener, long budget) {
    if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be >= 1, was " + maxResponseBytes);
    this.name = name;
    this.client = client;
    this.retry = retry;
    this.limiter = limiter;
    this.sleeper = sleeper;
    this.requestTimeout = requestTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.budget = budget;
    this.budgetLeft = new AtomicLong(budget);
    this.listener = listener;
  }

  /** Takes {@code n} bytes of the response budget if they are free (never blocks: it runs on the selector thread). */
  private boolean reserve(long n) {
    for (long left = budgetLeft.get(); ; left = budgetLeft.get()) {
      if (left < n) return false;
      if (budgetLeft.compareAndSet(left, left - n)) return true;
    }
  }

  private void release(long n) {
    budgetLeft.addAndGet(n);
  }

  /** Bytes of the response budget in use now (responses being received). */
  long budgetInUse() {
    return budget - budgetLeft.get();
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

  /** The response size limit of {@link #get} and {@link #postJson}. */
  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  /** Reads a streamed response body. */
  @FunctionalInterface
  public interface StreamReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * POST a JSON body and hand the answer to {@code reader} as a stream, for an answer over the response limit that must
   * still be read (one Rekor v1 entry bigger than the limit: hashed as it streams, a bounded prefix kept, never
   * buffered whole). One attempt: the caller retries. The body may be up to {@code maxBytes} long and must be read
   * within four request timeouts (then the stream is closed under the reader). 404 is a
   * {@link FileNotFoundException}, any other status an {@link HttpStatusException}.
   */
  public <T> T postJsonStreamed(URI uri, String json, long maxBytes, StreamReader<T> reader)
      throws IOException, InterruptedException {
    String what = "POST " + uri + " (streamed)";
    HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).timeout(requestTimeout)
        .header("User-Agent", "sigwatch").build();
    limiter.acquire();
    HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = resp.body()) {
      int status = resp.statusCode();
      if (status == 404) throw new FileNotFoundException(what + ": 404");
      if (status != 200) throw new HttpStatusException(status, what + ": HTTP " + status);
      ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
        try {
          in.close(); // the reader's next read fails
        } catch (IOException ignored) {
          // closing an abandoned exchange: nothing more to do
        }
      }, requestTimeout.toNanos() * 4, TimeUnit.NANOSECONDS);
      try {
        T out = reader.read(new CappedInputStream(in, maxBytes, what));
        consecutiveFailures.set(0);
        return out;
      } finally {
        deadline.cancel(false);
      }
    }
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
      CappedBody b = body.get();
      if (b != null) b.releaseBudget();
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
  private final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final int cap;
    private final boolean snippet;
    private final String what;
    private final AtomicLong reserved = new AtomicLong();
    private volatile Flow.Subscription subscription;
    /** The body so far: sized from Content-Length when declared (one copy, no regrowth), else grown by doubling. */
    private byte[] buf;
    private int size;

    CappedBody(HttpResponse.ResponseInfo info, int maxResponseBytes, String what) {
      this.snippet = info.statusCode() != 200;
      this.cap = snippet ? SNIPPET_BYTES : maxResponseBytes;
      this.what = what;
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (!snippet && declared > cap) {
        result.completeExceptionally(new ResponseTooLargeException(String.format(Locale.ROOT,
            "%s: response of %d bytes exceeds the limit of %d", what, declared, cap)));
      }
      int initial = declared >= 0 && declared <= cap ? (int) declared : Math.min(cap, 8192);
      if (!result.isDone() && grow(initial)) buf = new byte[initial];
    }

    /** Reserves budget for a buffer of {@code n} bytes in all; false (and the body failed) if none is free. */
    private boolean grow(int n) {
      long more = n - reserved.get();
      if (more <= 0) return true;
      if (!reserve(more)) {
        result.completeExceptionally(new IOException(String.format(Locale.ROOT,
            "%s: the %d-byte response budget of %s is held by other responses; retried later", what, budget, name)));
        return false;
      }
      reserved.addAndGet(more);
      return true;
    }

    /** Gives the budget back once the exchange is over (its bytes are the caller's now, or dropped). */
    void releaseBudget() {
      release(reserved.getAndSet(0));
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
        if (size + n > cap) {
          if (snippet) {
            int part = cap - size;
            ensure(cap);
            item.get(buf, size, part);
            size += part;
            result.complete(Arrays.copyOf(buf, size));
          } else {
            result.completeExceptionally(new ResponseTooLargeException(String.format(Locale.ROOT,
                "%s: response exceeds the limit of %d bytes", what, cap)));
          }
          cancel();
          return;
        }
        if (!ensure(size + n)) {
          cancel();
          return;
        }
        item.get(buf, size, n);
        size += n;
      }
    }

    /** Room for {@code n} bytes (at most the cap): doubles the buffer within the budget; false if the budget said no. */
    private boolean ensure(int n) {
      if (n <= buf.length) return true;
      int next = (int) Math.min(cap, Math.max(n, 2L * buf.length));
      if (!grow(next)) return false;
      buf = Arrays.copyOf(buf, next);
      return true;
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      if (result.isDone()) return;
      result.complete(size == buf.length ? buf : Arrays.copyOf(buf, size));
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
