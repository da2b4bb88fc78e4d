package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.StageChecks;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.deploy.runtime.MetricsEndpoint;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.StartMode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sigwatch ingest}: runs the ingest stage alone until interrupted. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Run the ingest stage alone: poll Rekor v1/v2 and CT logs and publish raw entries and checkpoints to Kafka.")
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
    IngestSettings s = settings(cfg.ingest().toSettings(IngestLogs.resolve(cfg, logs, type)), from, rate, inFlight);
    // Lifecycle's shutdown hook waits until ingest and then Kafka are closed (a half-committed transaction is
    // aborted by the broker anyway, but a clean close is faster to resume from).
    try (Lifecycle life = Lifecycle.start("sigwatch ingest")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(cfg, kafka, life, registry, health);
      IngestService service = life.add(new IngestService(s, kafka.clientProperties(), kafka.topics(),
          new IngestMetrics(registry)));
      service.start();
      health.register("ingest", StageChecks.ingest("ingest", service));
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
