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
import dev.sigwatch.deploy.runtime.Pipeline;
import dev.sigwatch.deploy.runtime.MetricsEndpoint;
import dev.sigwatch.deploy.runtime.Stages;
import dev.sigwatch.deploy.runtime.TrustSource;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import dev.sigwatch.verify.VerifyService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch verify --config FILE}: the verify stage alone until Ctrl-C / SIGTERM. Uses
 * {@code kafka.bootstrapServers} when configured, else the embedded broker; the trusted root from
 * {@code trustedRoot}, else the public-good root via TUF.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Run the verify stage alone: checkpoint signatures, consistency, full audit, shards, liveness and",
        "witness policy. Reads sigwatch.checkpoints and the entry topics; writes sigwatch.log.events and",
        "sigwatch.alerts. Settings: the `verify:` section of the config (staleAfter, witnesses, witnessThreshold)."})
public final class VerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (see README).")
  Path config;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg;
    TrustSource trust;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
      trust = TrustSource.load(cfg);
      cfg.verify().toSettings(trust.trustedRoot(), cfg.logs());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch verify: " + e.getMessage());
      return 2;
    }
    try (Lifecycle life = Lifecycle.start("sigwatch verify")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      dev.sigwatch.deploy.trust.LiveTrust live = life.add(Pipeline.liveTrust(cfg, trust, life.add(
          new dev.sigwatch.deploy.trust.AlertPublisher(kafka.clientProperties(), kafka.topics().alerts(),
              "sigwatch-trust"))));
      // The verify stage raises the trust alerts of a deployment of one process per stage: it remembers the trust
      // state, so a change made while it was stopped is raised at its next start.
      live.remember(dev.sigwatch.deploy.trust.TrustMemory.in(cfg.dataDir()), trust.fallback());
      java.util.Map<String, String> origins = cfg.logs().isEmpty() ? LogDiscovery.discover(trust.state(),
          java.time.Instant.now(), cfg.trust().retiredFor()).origins() : java.util.Map.of();
      VerifyService service = life.add(Stages.verify(cfg, live, origins, kafka));
      PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(cfg, kafka, life, registry, health);
      service.onError(() -> {
        spec.commandLine().getErr().println("sigwatch verify: the verify stage stopped (see the log); exiting");
        life.requestStop();
      });
      service.start();
      if (trust.tuf().isPresent()) live.start();
      health.register("verify", StageChecks.streams("verify", service::state, life::stopRequested));
      life.add(StreamsMetrics.register(registry, List.of(new StreamsStage("verify", service::state, service::metrics,
          service::threadFailures))));
      life.awaitStop();
      return 0;
    }
  }
}
