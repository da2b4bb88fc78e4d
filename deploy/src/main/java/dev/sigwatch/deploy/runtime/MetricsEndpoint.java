package dev.sigwatch.deploy.runtime;

import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.BrokerProbe;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.HealthHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus {@code /metrics} of the running process (stage metrics plus JVM), and its health for orchestrators
 * ({@code /livez}, {@code /readyz}: {@link HealthHandler}), bound to loopback by default.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  private static volatile boolean jvmRegistered;

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Starts the endpoint, or returns null when {@code metrics.port} is 0. */
  public static MetricsEndpoint start(MetricsSettings settings, PrometheusRegistry registry, Health health)
      throws IOException {
    if (settings.port() == 0) {
      log.info("metrics endpoint disabled (metrics.port: 0)");
      return null;
    }
    synchronized (MetricsEndpoint.class) {
      if (!jvmRegistered && registry == PrometheusRegistry.defaultRegistry) {
        JvmMetrics.builder().register(registry);
        jvmRegistered = true;
      }
    }
    HTTPServer server = HTTPServer.builder().hostname(settings.bind()).port(settings.port()).registry(registry)
        .defaultHandler(new HealthHandler(health)).buildAndStart();
    log.info("metrics at http://{}:{}/metrics, health at /livez and /readyz", settings.bind(), server.getPort());
    return new MetricsEndpoint(server);
  }

  /**
   * What every long-running command serves: {@code /metrics}, {@code /livez} and {@code /readyz}, with a "kafka"
   * readiness check (the cluster answers) added to {@code health}; both registered in {@code life}. Null (and no
   * probe) when {@code metrics.port} is 0.
   */
  public static MetricsEndpoint serve(SigwatchConfig cfg, KafkaRuntime kafka, Lifecycle life,
                                      PrometheusRegistry registry, Health health) throws IOException {
    if (cfg.metrics().port() == 0) {
      log.info("metrics and health endpoints disabled (metrics.port: 0)");
      return null;
    }
    BrokerProbe probe = life.add(new BrokerProbe(kafka.clientProperties(), Duration.ofSeconds(5), Clock.systemUTC()));
    health.register("kafka", probe.check("kafka"));
    return life.add(start(cfg.metrics(), registry, health));
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
