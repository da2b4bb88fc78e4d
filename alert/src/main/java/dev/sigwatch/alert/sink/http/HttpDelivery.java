package dev.sigwatch.alert.sink.http;

import dev.sigwatch.alert.sink.SinkException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP for the sinks that call a web API (webhook, Slack, GitHub): the SSRF guard and the rate limit before every
 * request, a connect timeout and a whole-request timeout, no redirects (a redirect could lead past the guard), and
 * failures as {@link SinkException}s whose messages name the destination by host only (a URL may carry a token).
 */
public final class HttpDelivery {
  /** A peer's answer is read up to this size: a sink needs a status and a little JSON, never more. */
  static final int MAX_BODY_CHARS = 1 << 20;

  private final HttpClient client;
  private final SsrfGuard guard;
  private final RateLimiter limiter;
  private final Duration timeout;

  /**
   * @param connectTimeout for the TCP (and TLS) connection
   * @param timeout for the whole request, from sending to the last byte of the answer
   */
  public HttpDelivery(SsrfGuard guard, RateLimiter limiter, Duration connectTimeout, Duration timeout) {
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.guard = guard;
    this.limiter = limiter;
    this.timeout = timeout;
  }

  /** A request builder for {@code uri} with the whole-request timeout set. */
  public HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  /**
   * Sends {@code request} and returns the answer, whatever its status.
   *
   * @param what present-tense description for messages ("posting 3 alerts to hooks.example.com")
   */
  public HttpResponse<String> send(HttpRequest request, String what) throws SinkException {
    guard.check(request.uri());
    try {
      limiter.acquire();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return r;
    } catch (HttpTimeoutException e) {
      throw new SinkException(what + ": timed out (" + e.getClass().getSimpleName() + ")", e);
    } catch (IOException e) {
      throw new SinkException(what + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkException(what + ": interrupted", e);
    }
  }

  /** {@link #send}, throwing unless the status is 2xx; 408, 429 and 5xx carry the peer's Retry-After. */
  public HttpResponse<String> sendOk(HttpRequest request, String what) throws SinkException {
    HttpResponse<String> r = send(request, what);
    requireOk(r, what);
    return r;
  }

  /** Throws a {@link SinkException} naming the status (and the start of the body) unless it is 2xx. */
  public static void requireOk(HttpResponse<String> r, String what) throws SinkException {
    int s = r.statusCode();
    if (s >= 200 && s < 300) return;
    String body = r.body() == null ? "" : firstLine(r.body());
    throw new SinkException(String.format(Locale.ROOT, "%s: HTTP %d%s", what, s,
        body.isBlank() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body)),
        retryAfter(r), null);
  }

  /** The Retry-After of an answer (delay-seconds or an HTTP date), or null. */
  public static Duration retryAfter(HttpResponse<?> r) {
    String v = r.headers().firstValue("Retry-After").orElse(null);
    if (v == null) return null;
    v = v.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** {@code host[:port]} of a URI: how messages name a destination. */
  public static String hostOf(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
