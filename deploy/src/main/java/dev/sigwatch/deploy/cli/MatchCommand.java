package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.health.StageChecks;
import dev.sigwatch.deploy.metrics.StreamsMetrics;
import dev.sigwatch.deploy.metrics.StreamsStage;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.deploy.runtime.MetricsEndpoint;
import dev.sigwatch.deploy.runtime.Pipeline;
import dev.sigwatch.deploy.runtime.Stages;
import dev.sigwatch.deploy.runtime.TrustSource;
import dev.sigwatch.deploy.trust.LiveTrust;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigwatch match --config FILE}: runs the match stage alone until interrupted. */
@Command(name = "match", mixinStandardHelpOptions = true,
    description = "Run the match stage alone: parse entries, extract identities, apply the watchlist, verify chains, "
        + "join CT with Rekor; emit alerts.")
public final class MatchCommand implements Callable<Integer> {
  @Option(names = "--config", description = "sigwatch YAML config (monitoredValues, kafka; trustedRoot, else the "
      + "trusted root from TUF (trust.*), refreshed while the stage runs: a new Fulcio CA counts at once)")
  Path config;

  @Option(names = "--join-window", defaultValue = MatchSettings.DEFAULT_JOIN_WINDOW_TEXT,
      description = "How long a CT issuance waits for its Rekor use and vice versa (ISO-8601), default ${DEFAULT-VALUE}")
  Duration joinWindow;

  @Option(names = "--application-id", defaultValue = MatchSettings.DEFAULT_APPLICATION_ID)
  String applicationId;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig c;
    TrustSource trust;
    try {
      c = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
      trust = TrustSource.load(c);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch match: " + e.getMessage());
      return 2;
    }
    // Lifecycle's shutdown hook waits until the service and then Kafka are closed, so Ctrl-C / SIGTERM never lets
    // the JVM exit with the Streams app half-closed (a latch-only hook did).
    try (Lifecycle life = Lifecycle.start("sigwatch match")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(c));
      // The Fulcio CAs decide Fulcio-issued vs lookalike: they follow the trust state (TUF) while the stage runs.
      // TRUST_CHANGED alerts are the verify stage's (one stage raises them; this one logs them).
      LiveTrust live = life.add(Pipeline.liveTrust(c, trust, LiveTrust.logOnly("match")));
      MatchSettings settings = new MatchSettings(live.root(), c.monitoredValues(), joinWindow, applicationId)
          .withCurrentRoot(live::root);
      // The state directory under dataDir (Stages.streamsProperties), not the OS temp dir: two match instances on
      // one host would otherwise share /tmp/kafka-streams/sigwatch-match, and the second stops on its lock.
      MatchService service = life.add(new MatchService(settings, Stages.streamsProperties(c, kafka), kafka.topics()));
      PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(c, kafka, life, registry, health);
      service.start();
      if (trust.tuf().isPresent()) live.start();
      health.register("match", StageChecks.streams("match", service::state, life::stopRequested));
      life.add(StreamsMetrics.register(registry, List.of(new StreamsStage("match", service::state,
          service::metrics))));
      life.awaitStop();
    }
    return 0;
  }
}
