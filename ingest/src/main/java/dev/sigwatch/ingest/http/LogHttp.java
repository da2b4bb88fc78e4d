package dev.sigwatch.ingest.http;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one log: the JDK {@link HttpClient} with timeouts, a per-log request-rate limit, a response size limit and
 * retries (exponential backoff with jitter, honouring {@code Retry-After}) of 429, 5xx, timeouts, resets and
 * truncated bodies. Tracks the log's health: unhealthy after a request failed all its attempts, healthy again after
 * the next success. Thread-safe; meant to be shared by all fetchers of one log.
 */
public final class LogHttp {
  private static final Logger log = LoggerFactory.getLogger(LogHttp.class);

  /**
   * Largest response body read, in bytes. A log (or anything between it and us) is not trusted: without a cap a
   * malicious or broken server could stream an endless body and exhaust the heap of every stage's JVM, and with 32
   * requests in flight the damage multiplies. The biggest legitimate responses are Rekor v1 retrieve batches of 10
   * entries (a few MB at most: entries are limited to ~100 KB each by Rekor) and full tiles (256 × 64 KB bundles,
   * 16 MB worst case), so 32 MiB leaves room without letting a response take the heap.
   */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 32 << 20;

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

  /** A client with a 10 s connect timeout, HTTP/1.1 keep-alive (many connections in parallel). */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
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

  private byte[] send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
    HttpRequest req = request.timeout(requestTimeout).header("User-Agent", "sigwatch").build();
    IOException failure = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      limiter.acquire();
      Duration retryAfter = null;
      try {
        HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        if (status == 200) {
          byte[] body = readLimited(resp, what);
          consecutiveFailures.set(0);
          return body;
        }
        String snippet = snippet(resp);
        if (status == 404) throw new FileNotFoundException(what + ": 404 " + snippet);
        if (status != 429 && status < 500) throw new HttpStatusException(status, what + ": HTTP " + status + " " + snippet);
        retryAfter = resp.headers().firstValue("Retry-After").flatMap(LogHttp::parseRetryAfter).orElse(null);
        failure = new IOException(what + ": HTTP " + status + " " + snippet);
      } catch (FileNotFoundException | HttpStatusException | ResponseTooLargeException e) {
        throw e;
      } catch (IOException e) { // reset, timeout, truncated body
        failure = e;
      }
      if (attempt < retry.maxAttempts()) {
        Duration d = retry.delay(attempt, retryAfter);
        log.warn("{}: {} failed ({}/{}): {}; retrying in {} ms", name, what, attempt, retry.maxAttempts(),
            failure.getMessage(), d.toMillis());
        listener.retried(what);
        sleeper.sleep(d);
      }
    }
    consecutiveFailures.incrementAndGet();
    String msg = String.format(Locale.ROOT, "%s: failed after %d attempt(s): %s", what, retry.maxAttempts(),
        failure.getMessage());
    lastError.set(msg);
    listener.failed(what);
    throw new LogUnavailableException(msg, failure);
  }

  private byte[] readLimited(HttpResponse<InputStream> resp, String what) throws IOException {
    long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
    try (InputStream in = resp.body()) {
      if (declared > maxResponseBytes) {
        throw new ResponseTooLargeException(String.format(Locale.ROOT, "%s: response of %d bytes exceeds the limit of %d",
            what, declared, maxResponseBytes));
      }
      byte[] body = in.readNBytes(maxResponseBytes);
      if (in.read() != -1) {
        throw new ResponseTooLargeException(String.format(Locale.ROOT, "%s: response exceeds the limit of %d bytes",
            what, maxResponseBytes));
      }
      return body;
    }
  }

  private static String snippet(HttpResponse<InputStream> resp) {
    try (InputStream in = resp.body()) {
      String s = new String(in.readNBytes(200), StandardCharsets.UTF_8).strip();
      return s.replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "";
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
