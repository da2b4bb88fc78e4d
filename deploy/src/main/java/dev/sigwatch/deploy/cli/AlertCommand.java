package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.sink.SinkFactory;
import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.alert.sink.SinkMetrics;
import dev.sigwatch.alert.sink.SinkSpec;
import dev.sigwatch.alert.sink.SinkTest;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.deploy.runtime.ApiStage;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.deploy.runtime.MetricsEndpoint;
import dev.sigwatch.deploy.runtime.Stages;
import dev.sigwatch.deploy.runtime.StoreStage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch alert}: the alert stage alone — every sink of {@code alerts.sinks[]} as a consumer of
 * {@code sigwatch.alerts} in its own group — until Ctrl-C / SIGTERM; and {@code sigwatch alert test --sink NAME}.
 */
@Command(name = "alert", mixinStandardHelpOptions = true,
    description = {"Run the alert stage alone: every sink of alerts.sinks[] (webhook, slack, email, github, syslog,",
        "jsonlines, hook) reads sigwatch.alerts (and incident updates from sigwatch.log.events) in its own consumer",
        "group and delivers at least once, each message with its idempotency key. The alert store (store.*: SQLite",
        "under dataDir by default, PostgreSQL with store.url) keeps every alert, log event and identity event,",
        "exactly once. Uses kafka.bootstrapServers when configured, else the embedded broker.",
        "`sigwatch alert test --sink NAME` tries one sink."},
    subcommands = AlertCommand.Test.class)
public final class AlertCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  // Not `required`: picocli would then demand it of `alert test` too, which has its own.
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (see README); required.")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      spec.commandLine().getErr().println("sigwatch alert: --config FILE is required");
      return 2;
    }
    SigwatchConfig cfg;
    try {
      cfg = ConfigLoader.withSystemEnv().load(config);
      SinkFactory.closeAll(Stages.sinkSpecs(cfg));
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch alert: " + e.getMessage());
      return 2;
    }
    if (cfg.alerts().sinks().isEmpty() && !cfg.store().enabled()) {
      spec.commandLine().getErr().println("sigwatch alert: no sinks configured under alerts.sinks[] and the store is "
          + "disabled (store.enabled: false); nothing to run");
      return 2;
    }
    try (Lifecycle life = Lifecycle.start("sigwatch alert")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
      Health health = new Health();
      MetricsEndpoint.serve(cfg, kafka, life, registry, health);
      life.add(Stages.sinks(cfg, kafka, new SinkMetrics(registry))).start();
      AlertStore store = StoreStage.start(cfg, kafka, life, health, registry);
      ApiStage.start(cfg, kafka, store, life);
      life.awaitStop();
      return 0;
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = {"Send a test alert (type TEST, severity INFO, a fresh id) through one sink, once, ignoring its",
          "filters, and say what happened. Nothing goes through Kafka. Exit 0 when delivered, 1 when not."})
  static final class Test implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "YAML configuration.")
    Path config;

    @Option(names = "--sink", paramLabel = "NAME", required = true, description = "The sink's name in alerts.sinks[].")
    String sink;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<SinkSpec> specs;
      try {
        specs = Stages.sinkSpecs(ConfigLoader.withSystemEnv().load(config));
      } catch (ConfigException e) {
        err.println("sigwatch alert test: " + e.getMessage());
        return 2;
      }
      try {
        SinkSpec s = specs.stream().filter(x -> x.name().equals(sink)).findFirst().orElse(null);
        if (s == null) {
          err.printf("sigwatch alert test: no sink named '%s'; configured: %s%n", sink,
              specs.stream().map(SinkSpec::name).toList());
          return 2;
        }
        SinkMessage m = SinkTest.message(s.name(), Clock.systemUTC());
        SinkTest.Result r = SinkTest.send(s, m, SinkMetrics.unregistered());
        (r.delivered() ? out : err).println(r.describe());
        return r.delivered() ? 0 : 1;
      } finally {
        SinkFactory.closeAll(specs);
      }
    }
  }
}
