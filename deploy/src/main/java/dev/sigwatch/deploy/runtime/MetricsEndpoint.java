package dev.sigwatch.deploy.runtime;

import dev.sigwatch.deploy.config.MetricsSettings;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prometheus {@code /metrics} of the running process (stage metrics plus JVM), bound to loopback by default. */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  private static volatile boolean jvmRegistered;

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Starts the endpoint, or returns null when {@code metrics.port} is 0. */
  public static MetricsEndpoint start(MetricsSettings settings, PrometheusRegistry registry) throws IOException {
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
        .buildAndStart();
    log.info("metrics at http://{}:{}/metrics", settings.bind(), server.getPort());
    return new MetricsEndpoint(server);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
