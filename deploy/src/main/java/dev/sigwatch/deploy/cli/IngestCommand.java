package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.StageChecks;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.deploy.runtime.MetricsEndpoint;
import dev.sigwatch.deploy.runtime.NewLogs;
import dev.sigwatch.deploy.runtime.Pipeline;
import dev.sigwatch.deploy.runtime.TrustSource;
import dev.sigwatch.deploy.trust.LiveTrust;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sigwatch ingest}: runs the ingest stage alone until interrupted. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Run the ingest stage alone: poll Rekor v1/v2 and CT logs and publish raw entries and checkpoints to Kafka.",
        "Without --log and without logs: in the config, the logs come from the trust state (trustedRoot, else TUF: "
            + "trust.*) and follow it as 'run' does: a log TUF publishes later (a new shard) is read from index 0, "
            + "without a restart."})
public final class IngestCommand implements Callable<Integer> {
  @Option(names = "--config", description = "sigwatch config file (YAML)")
  Path config;

  @Option(names = "--log", description = "a log URL or a configured log's name; repeatable (default: every configured log)")
  List<String> logs;

  @Option(names = "--type", defaultValue = "rekor-v1", description = "type of --log URLs: rekor-v1, rekor-v2, ct, static-ct")
  String type;

  @Option(names = "--from", description = "start at this index when no position is committed (default: the log's end)")
  Long from;

  @Option(names = "--rate", description = "requests per second per log (default from the config: 50)")
  Double rate;

  @Option(names = "--in-flight", description = "entry requests in flight per log (default 32)")
  Integer inFlight;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    return run(cfg, life -> { });
  }

  /** Runs until Ctrl-C / SIGTERM or {@code life.requestStop()}; {@code onStarted} gets the stage's lifecycle. */
  int run(SigwatchConfig cfg, Consumer<Lifecycle> onStarted) throws Exception {
    // Following the trust state: no log named here or in the config.
    boolean follow = (logs == null || logs.isEmpty()) && cfg.logs().isEmpty();
    TrustSource trust = follow ? TrustSource.load(cfg) : null;
    LogDiscovery.Discovered discovered = follow
        ? LogDiscovery.discover(trust.state(), Instant.now(), cfg.trust().retiredFor())
        : new LogDiscovery.Discovered(IngestLogs.resolve(cfg, logs, type), List.of(), java.util.Map.of());
    if (discovered.all().isEmpty()) {
      throw new IllegalArgumentException("no logs to ingest: the trusted root lists no log valid now; give --log URL or "
          + "a logs: list in the config");
    }
    // Lifecycle's shutdown hook waits until ingest and then Kafka are closed (a half-committed transaction is
    // aborted by the broker anyway, but a clean close is faster to resume from).
    try (Lifecycle life = Lifecycle.start("sigwatch ingest")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(cfg, kafka, life, registry, health);
      IngestMetrics metrics = new IngestMetrics(registry);
      if (!discovered.current().isEmpty()) {
        IngestService service = life.add(new IngestService(settings(cfg.ingest().toSettings(discovered.current()),
            from, rate, inFlight), kafka.clientProperties(), kafka.topics(), metrics));
        service.start();
        health.register("ingest", StageChecks.ingest("ingest", service));
      }
      NewLogs newLogs = new NewLogs(l -> settings(cfg.ingest().toSettings(l), null, rate, inFlight),
          cfg.trust().retiredFor(), kafka, metrics, life, discovered.all());
      newLogs.start(discovered.upcoming());
      if (follow) {
        // New logs from refreshed trust states; TRUST_CHANGED alerts are the verify stage's (this one logs them).
        LiveTrust live = life.add(Pipeline.liveTrust(cfg, trust, LiveTrust.logOnly("ingest")));
        live.onChange(newLogs::discover);
        if (trust.tuf().isPresent()) live.start();
      }
      onStarted.accept(life);
      life.awaitStop();
    }
    return 0;
  }

  static IngestSettings settings(IngestSettings s, Long from, Double rate, Integer inFlight) {
    if (from != null) s = s.withStartMode(new StartMode.AtIndex(from));
    if (rate != null) s = s.withRate(rate);
    if (inFlight != null) s = s.withInFlight(inFlight);
    return s;
  }
}
