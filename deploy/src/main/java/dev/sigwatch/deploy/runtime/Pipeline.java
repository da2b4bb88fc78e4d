package dev.sigwatch.deploy.runtime;

import dev.sigwatch.alert.api.ApiServer;
import dev.sigwatch.alert.canary.CanaryWatch;
import dev.sigwatch.alert.sink.AlertMetrics;
import dev.sigwatch.alert.sink.AlertPrinter;
import dev.sigwatch.alert.sink.AlertSink;
import dev.sigwatch.alert.sink.JsonLinesSink;
import dev.sigwatch.alert.sink.SinkFactory;
import dev.sigwatch.alert.sink.SinkMetrics;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.StageChecks;
import dev.sigwatch.deploy.metrics.StreamsMetrics;
import dev.sigwatch.deploy.metrics.StreamsStage;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.verify.VerifyService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.sigwatch.deploy.trust.AlertPublisher;
import dev.sigwatch.deploy.trust.LiveTrust;
import dev.sigwatch.deploy.trust.TrustMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
 *   canaries[] (expected identities) ◄── sigwatch.alerts; silence ─► CANARY_MISSING
 *   trust refresh (TUF, every trust.refreshInterval) ─► verify's trusted root, TRUST_CHANGED alerts,
 *                                                       new logs ─► another ingest from index 0
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
  private final LiveTrust trust;

  private Pipeline(KafkaRuntime kafka, List<LogTarget> logs, Lifecycle life, ApiServer api, LiveTrust trust) {
    this.kafka = kafka;
    this.logs = logs;
    this.life = life;
    this.api = api;
    this.trust = trust;
  }

  /** The trust state in use, refreshed through TUF when sigwatch follows a TUF repository. */
  public LiveTrust trust() {
    return trust;
  }

  /** The refresher of {@code trust}: the TUF repository it came from plus the configured overrides. */
  public static LiveTrust liveTrust(SigwatchConfig cfg, TrustSource trust, Consumer<dev.sigwatch.schemas.Alert> alerts) {
    String name = trust.tuf().map(t -> t.name()).orElse(String.valueOf(cfg.trustedRoot()));
    LiveTrust.Fetcher fetcher = () -> {
      if (trust.tuf().isEmpty()) return trust.state();
      return TrustSource.overrides(cfg, trust.tuf().get().fetch());
    };
    return new LiveTrust(name, fetcher, trust.state(), cfg.trust().refreshEvery(), cfg.trust().failureAlertAfter(),
        Clock.systemUTC(), alerts);
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
    LogDiscovery.Discovered discovered = cfg.logs().isEmpty()
        ? LogDiscovery.discover(trust.state(), Instant.now(), cfg.trust().retiredFor())
        : new LogDiscovery.Discovered(Stages.configuredLogs(cfg), List.of(), Map.of());
    List<LogTarget> logs = discovered.all();
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
      AlertPublisher trustAlerts = life.add(new AlertPublisher(kafka.clientProperties(), kafka.topics().alerts(),
          "sigwatch-trust"));
      LiveTrust live = life.add(liveTrust(cfg, trust, trustAlerts));
      // A trust change made while sigwatch was stopped is raised now, against what it trusted when it last ran.
      live.remember(TrustMemory.in(cfg.dataDir()), trust.fallback());
      VerifyService verify = life.add(Stages.verify(cfg, live, discovered.origins(), kafka));
      verify.onError(() -> {
        log.error("{}: the verify stage stopped; stopping {} rather than running without verification", name, name);
        life.requestStop();
      });
      verify.start();
      health.register("verify", StageChecks.streams("verify", verify::state, life::stopRequested));
      MatchService match = life.add(Stages.match(cfg, live, kafka, MatchSettings.DEFAULT_JOIN_WINDOW));
      match.start();
      health.register("match", StageChecks.streams("match", match::state, life::stopRequested));
      life.add(StreamsMetrics.register(registry, List.of(new StreamsStage("verify", verify::state, verify::metrics,
          verify::threadFailures),
          new StreamsStage("match", match::state, match::metrics))));
      IngestMetrics ingestMetrics = new IngestMetrics(registry);
      if (logs.isEmpty()) {
        log.warn("no logs to watch: the trusted root lists no log valid now and the config has no logs:");
      } else if (!discovered.current().isEmpty()) {
        IngestService ingest = life.add(new IngestService(cfg.ingest().toSettings(discovered.current()),
            kafka.clientProperties(), kafka.topics(), ingestMetrics)).start();
        health.register("ingest", StageChecks.ingest("ingest", ingest));
      }
      NewLogs newLogs = new NewLogs(cfg.ingest()::toSettings, cfg.trust().retiredFor(), kafka, ingestMetrics, life,
          logs);
      newLogs.start(discovered.upcoming());
      if (cfg.logs().isEmpty()) {
        live.onChange(newLogs::discover);
      }
      if (trust.tuf().isPresent()) live.start();
      if (!cfg.canaries().isEmpty()) {
        life.add(new CanaryWatch(cfg.canaries().stream().map(c -> c.toCanary()).toList(), kafka.clientProperties(),
            kafka.topics().alerts(), Clock.systemUTC(), trustAlerts)).start();
      }
      log.info("{} is running: {} log(s) {}, Kafka at {}; alerts go to {}. Ctrl-C to stop.", name, logs.size(),
          logs.stream().map(l -> l.url().toString()).toList(), kafka.bootstrapServers(),
          cfg.alerts().file() == null ? "stdout" : cfg.alerts().file());
      Pipeline pipeline = new Pipeline(kafka, logs, life, api, live);
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
