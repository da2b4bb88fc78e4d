package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code metrics:} — the Prometheus endpoint.
 *
 * @param port port of {@code /metrics} on loopback-or-all (see {@code bind}); 0 = disabled. Default 9464.
 * @param bind address to bind; default 127.0.0.1 so metrics are not exposed to the network unless asked
 */
public record MetricsSettings(@JsonProperty("port") Integer port, @JsonProperty("bind") String bind) {
  static final MetricsSettings DEFAULT = new MetricsSettings(null, null);

  public MetricsSettings {
    port = port == null ? 9464 : port;
    bind = bind == null ? "127.0.0.1" : bind;
  }
}
