package dev.sigwatch.alert.sink.webhook;

import dev.sigwatch.alert.sink.Secret;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkOptions;
import dev.sigwatch.alert.sink.http.HttpDelivery;
import dev.sigwatch.alert.sink.http.RateLimiter;
import dev.sigwatch.alert.sink.http.SsrfGuard;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Builds HTTP sinks from their settings. */
public final class WebhookSinks {
  /** A slow receiver must not hold a sink for long: connect within 5 s, finish the request within 15 s. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private WebhookSinks() {}

  /**
   * {@code type: webhook} — {@code url} (http/https), {@code secrets} (Standard Webhooks {@code whsec_...}, newest
   * first; several while rotating), {@code batchSize} (1), {@code linger} (PT0S), plus {@link #http} settings.
   */
  public static WebhookSink webhook(SinkOptions o, SinkContext ctx, List<Secret> secrets) {
    URI url = url(o, "url", true);
    List<Secret> keys = o.secrets("secrets");
    secrets.addAll(keys);
    WebhookSigner signer;
    try {
      signer = new WebhookSigner(keys);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(o.at() + "." + e.getMessage(), e);
    }
    return new WebhookSink(url, signer, http(o, 10), o.integer("batchSize", 1, 1),
        o.duration("linger", Duration.ZERO, true), ctx.clock());
  }

  /**
   * The HTTP settings every web sink has: {@code connectTimeout} (PT5S), {@code timeout} (PT15S, the whole request),
   * {@code requestsPerSecond} (per destination; 0 = unlimited), {@code allowAddresses} ([loopback | link-local |
   * private], default none: see {@link SsrfGuard}).
   */
  public static HttpDelivery http(SinkOptions o, double defaultRate) {
    Set<SsrfGuard.AddressClass> allowed = EnumSet.noneOf(SsrfGuard.AddressClass.class);
    for (String s : o.strings("allowAddresses")) {
      try {
        allowed.add(SsrfGuard.AddressClass.parse(s));
      } catch (IllegalArgumentException e) {
        throw o.problem("allowAddresses", e.getMessage());
      }
    }
    double rate = o.number("requestsPerSecond", defaultRate);
    return new HttpDelivery(SsrfGuard.of(allowed), new RateLimiter(rate),
        o.duration("connectTimeout", CONNECT_TIMEOUT, false), o.duration("timeout", TIMEOUT, false));
  }

  /** An http(s) URL with a host; {@code secret}: never quote it in the message. */
  public static URI url(SinkOptions o, String key, boolean quote) {
    return url(o, key, o.required(key, "give the destination's http(s) URL"), quote);
  }

  public static URI url(SinkOptions o, String key, String value, boolean quote) {
    try {
      URI u = new URI(value);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) return u;
    } catch (URISyntaxException e) {
      // reported below
    }
    throw o.problem(key, (quote ? "'" + value + "'" : "(a secret)") + " is not an http(s) URL with a host");
  }
}
