package dev.sigwatch.alert.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the HTTP API and web page are served. Defaults are written once, here.
 *
 * @param bind address to listen on. Default {@code 127.0.0.1}: alert data (who signed what) and the admin calls are
 *     not exposed to the network unless an operator asks for it
 * @param port TCP port; 0 picks a free one (tests); the server is not started when the API is disabled
 * @param tokens the accepted bearer tokens (hashed); with none, every API call but the OpenAPI document is refused
 * @param maxBodyBytes largest request body accepted (413 above): the API takes small JSON documents only, and a
 *     bound keeps a client from making the server buffer megabytes per request
 * @param maxQueryChars longest query string accepted (414 above)
 * @param requestsPerSecond sustained requests per second per client address (429 above, with Retry-After);
 *     bursts up to {@code burst}
 * @param burst requests a client may make at once before the rate applies
 * @param threads request-handling threads; each holds at most one store query at a time
 */
public record ApiSettings(String bind, int port, List<ApiToken> tokens, int maxBodyBytes, int maxQueryChars,
                          double requestsPerSecond, int burst, int threads) {
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 9480;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_QUERY_CHARS = 8 * 1024;
  public static final double DEFAULT_REQUESTS_PER_SECOND = 20;
  public static final int DEFAULT_BURST = 60;
  public static final int DEFAULT_THREADS = 4;

  public ApiSettings {
    tokens = List.copyOf(tokens);
    Set<String> names = new HashSet<>();
    for (ApiToken t : tokens) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("api.tokens: two tokens are named '" + t.name() + "'");
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("api.port must be 0..65535, was " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("api.maxBodyBytes must be >= 1024, was " + maxBodyBytes);
    }
    if (maxQueryChars < 256) {
      throw new IllegalArgumentException("api.maxQueryChars must be >= 256, was " + maxQueryChars);
    }
    if (!(requestsPerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("api.requestsPerSecond must be > 0 and api.burst >= 1, were "
          + requestsPerSecond + " and " + burst);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("api.threads must be >= 1, was " + threads);
    }
  }

  /** Defaults, with these tokens, on {@code port}. */
  public static ApiSettings of(int port, List<ApiToken> tokens) {
    return new ApiSettings(DEFAULT_BIND, port, tokens, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUERY_CHARS,
        DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST, DEFAULT_THREADS);
  }

  /** These settings with another rate limit. */
  public ApiSettings withRate(double perSecond, int burst) {
    return new ApiSettings(bind, port, tokens, maxBodyBytes, maxQueryChars, perSecond, burst, threads);
  }
}
