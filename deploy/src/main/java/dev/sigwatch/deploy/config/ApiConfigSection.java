package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.alert.api.ApiSettings;
import dev.sigwatch.alert.api.ApiToken;
import dev.sigwatch.alert.api.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code api:} section: the HTTP API and web page that {@code sigwatch run} and {@code sigwatch alert} serve.
 * Defaults live in {@link ApiSettings}.
 *
 * @param enabled serve the API and page (default true)
 * @param bind listen address (default 127.0.0.1: nothing is exposed to the network unless asked)
 * @param port TCP port (default 9480; 0 = any free port, logged at startup)
 * @param tokens bearer tokens, hashed: {@code {name, scope: read|admin, sha256}}; {@code sigwatch api token} makes one
 * @param maxBodyBytes largest request body (default 65536)
 * @param maxQueryChars longest query string (default 8192)
 * @param requestsPerSecond per client address (default 20), with bursts of {@code burst} (default 60)
 * @param threads request threads (default 4)
 */
public record ApiConfigSection(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("bind") String bind,
    @JsonProperty("port") Integer port,
    @JsonProperty("tokens") List<Token> tokens,
    @JsonProperty("maxBodyBytes") Integer maxBodyBytes,
    @JsonProperty("maxQueryChars") Integer maxQueryChars,
    @JsonProperty("requestsPerSecond") Double requestsPerSecond,
    @JsonProperty("burst") Integer burst,
    @JsonProperty("threads") Integer threads) {

  public static final ApiConfigSection DEFAULT = new ApiConfigSection(null, null, null, null, null, null, null, null,
      null);

  /** No API (benchmarks). */
  public static final ApiConfigSection DISABLED = new ApiConfigSection(false, null, null, null, null, null, null,
      null, null);

  /** One {@code api.tokens[]} entry. */
  public record Token(@JsonProperty("name") String name, @JsonProperty("scope") String scope,
                      @JsonProperty("sha256") String sha256) {}

  public ApiConfigSection {
    enabled = enabled == null || enabled;
    bind = bind == null ? ApiSettings.DEFAULT_BIND : bind;
    port = port == null ? ApiSettings.DEFAULT_PORT : port;
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    maxBodyBytes = maxBodyBytes == null ? ApiSettings.DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
    maxQueryChars = maxQueryChars == null ? ApiSettings.DEFAULT_MAX_QUERY_CHARS : maxQueryChars;
    requestsPerSecond = requestsPerSecond == null ? ApiSettings.DEFAULT_REQUESTS_PER_SECOND : requestsPerSecond;
    burst = burst == null ? ApiSettings.DEFAULT_BURST : burst;
    threads = threads == null ? ApiSettings.DEFAULT_THREADS : threads;
    // Every value is checked when the config is read, not when the server starts (fields are not set yet here).
    settings(bind, port, tokens, maxBodyBytes, maxQueryChars, requestsPerSecond, burst, threads);
  }

  /** This section as the server's settings. */
  public ApiSettings toSettings() {
    return settings(bind, port, tokens, maxBodyBytes, maxQueryChars, requestsPerSecond, burst, threads);
  }

  /** @throws IllegalArgumentException naming the bad key */
  private static ApiSettings settings(String bind, int port, List<Token> tokens, int maxBodyBytes, int maxQueryChars,
                                      double requestsPerSecond, int burst, int threads) {
    List<ApiToken> ts = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      try {
        ts.add(new ApiToken(t.name(), t.scope() == null ? null : Scope.parse(t.scope()), t.sha256()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("api.tokens[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new ApiSettings(bind, port, ts, maxBodyBytes, maxQueryChars, requestsPerSecond, burst, threads);
  }
}
