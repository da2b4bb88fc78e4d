package dev.sigwatch.deploy.runtime;

import dev.sigwatch.alert.api.ApiServer;
import dev.sigwatch.alert.sink.AlertSink;
import dev.sigwatch.alert.sink.JsonLinesSink;
import dev.sigwatch.alert.sink.SinkFactory;
import dev.sigwatch.alert.sink.SinkMetrics;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.StageChecks;
import dev.sigwatch.deploy.metrics.AlertMetrics;
import dev.sigwatch.deploy.metrics.StreamsMetrics;
import dev.sigwatch.deploy.metrics.StreamsStage;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.verify.VerifyService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stage of this build in one JVM — what {@code sigwatch run} and {@code sigwatch demo} start:
 * <pre>
 *   embedded broker (or external cluster) + topics
 *     ingest (one poller per log) ─► verify (Streams) ─┐
 *                                 └► match  (Streams) ─┴► sigwatch.alerts ─┬► alert printer (stdout / alerts.file)
 *                                                                           └► alerts.sinks[] (one consumer group each)
 *                                     alerts + log events + identities ─► alert store (store.*: SQLite / PostgreSQL)
 *                                                                           └► HTTP API + web page (api.*)
 *   Prometheus /metrics (JVM, ingest, verify/match Streams clients, alerts by type)
 * </pre>
 * Started in that order (consumers before producers is not needed: every stage resumes from committed offsets);
 * stopped in reverse, broker last.
 */
public final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final KafkaRuntime kafka;
  private final List<LogTarget> logs;
  private final Lifecycle life;
  private final ApiServer api;

  private Pipeline(KafkaRuntime kafka, List<LogTarget> logs, Lifecycle life, ApiServer api) {
    this.kafka = kafka;
    this.logs = logs;
    this.life = life;
    this.api = api;
  }

  /** The HTTP API and web page, or null when not served. */
  public ApiServer api() {
    return api;
  }

  /** Asks the pipeline to stop, as Ctrl-C does; {@link #runUntilStopped} then returns. Any thread. */
  public void stop() {
    life.requestStop();
  }

  public KafkaRuntime kafka() {
    return kafka;
  }

  public List<LogTarget> logs() {
    return logs;
  }

  /**
   * Starts everything, calls {@code onStarted}, and blocks until Ctrl-C / SIGTERM or {@code maxDuration}
   * (null = no limit). Returns the exit code.
   */
  public static int runUntilStopped(SigwatchConfig cfg, String name, Duration maxDuration,
                                    Consumer<Pipeline> onStarted) throws Exception {
    TrustSource trust = TrustSource.load(cfg);
    cfg.verify().toSettings(trust.trustedRoot(), cfg.logs()); // fail on bad verify settings before starting anything
    List<LogTarget> logs = Stages.logs(cfg, trust);
    SinkFactory.closeAll(Stages.sinkSpecs(cfg)); // fail on bad sink settings before starting anything
    try (Lifecycle life = Lifecycle.start(name)) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      // Metrics disabled (port 0): a private registry, so that pipelines run one after another in one JVM (tests) do
      // not collide on the process-wide default registry.
      PrometheusRegistry registry = cfg.metrics().port() == 0 ? new PrometheusRegistry()
          : PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(cfg, kafka, life, registry, health);
      AlertSink sink = cfg.alerts().file() == null ? JsonLinesSink.toStream(System.out)
          : JsonLinesSink.toFile(cfg.alerts().file());
      AlertMetrics alertMetrics = life.add(new AlertMetrics(registry));
      life.add(new AlertPrinter(kafka.clientProperties(), kafka.topics().alerts(), "sigwatch-alert-printer", sink,
          alertMetrics)).start();
      life.add(Stages.sinks(cfg, kafka, new SinkMetrics(registry))).start();
      AlertStore store = StoreStage.start(cfg, kafka, life, health, registry);
      ApiServer api = ApiStage.start(cfg, kafka, store, life);
      VerifyService verify = life.add(Stages.verify(cfg, trust, kafka));
      verify.onError(() -> {
        log.error("{}: the verify stage stopped; stopping {} rather than running without verification", name, name);
        life.requestStop();
      });
      verify.start();
      health.register("verify", StageChecks.streams("verify", verify::state, life::stopRequested));
      MatchService match = life.add(Stages.match(cfg, trust, kafka, MatchSettings.DEFAULT_JOIN_WINDOW));
      match.start();
      health.register("match", StageChecks.streams("match", match::state, life::stopRequested));
      life.add(StreamsMetrics.register(registry, List.of(new StreamsStage("verify", verify::state, verify::metrics,
          verify::threadFailures),
          new StreamsStage("match", match::state, match::metrics))));
      if (logs.isEmpty()) {
        log.warn("no logs to watch: the trusted root lists no log valid now and the config has no logs:");
      } else {
        IngestService ingest = life.add(new IngestService(cfg.ingest().toSettings(logs), kafka.clientProperties(),
            kafka.topics(), new IngestMetrics(registry))).start();
        health.register("ingest", StageChecks.ingest("ingest", ingest));
      }
      log.info("{} is running: {} log(s) {}, Kafka at {}; alerts go to {}. Ctrl-C to stop.", name, logs.size(),
          logs.stream().map(l -> l.url().toString()).toList(), kafka.bootstrapServers(),
          cfg.alerts().file() == null ? "stdout" : cfg.alerts().file());
      Pipeline pipeline = new Pipeline(kafka, logs, life, api);
      onStarted.accept(pipeline);
      if (maxDuration != null) {
        Thread timer = new Thread(() -> {
          try {
            Thread.sleep(maxDuration.toMillis());
            log.info("{}: --duration {} reached", name, maxDuration);
            life.requestStop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, name + "-timer");
        timer.setDaemon(true);
        timer.start();
      }
      life.awaitStop();
      return 0;
    } catch (ConfigException e) {
      throw e;
    }
  }
}
