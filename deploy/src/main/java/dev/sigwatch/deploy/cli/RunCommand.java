package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.sink.AlertSink;
import dev.sigwatch.alert.sink.JsonLinesSink;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.AlertPrinter;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.deploy.runtime.Lifecycle;
import dev.sigwatch.deploy.runtime.Stages;
import dev.sigwatch.deploy.runtime.TrustSource;
import java.time.Duration;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch run}: every stage of this build in one JVM, on the embedded broker unless
 * {@code kafka.bootstrapServers} is configured. Runs until Ctrl-C / SIGTERM, then stops stages in reverse order
 * and the broker last, so no process or lock is left behind.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Run sigwatch: every stage in one JVM until Ctrl-C or SIGTERM.",
        "",
        "Without kafka.bootstrapServers in the config, an embedded single-node Kafka broker is started on loopback",
        "with its data in <dataDir>/kafka (default ~/.sigwatch/kafka); a restart with the same directory keeps topics",
        "and offsets. Every topic of the catalogue is created if missing. Alerts are printed as JSON lines to stdout,",
        "or appended to alerts.file."})
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  /** How long a CT issuance and its Rekor use wait for each other before an alert. */
  static final Duration MATCH_JOIN_WINDOW = Duration.ofMinutes(10);

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML configuration (see README: Configuration). Without it: public-good logs, embedded broker, "
          + "empty watchlist.")
  Path config;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg;
    TrustSource trust;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
      trust = TrustSource.load(cfg);
      cfg.verify().toSettings(trust.trustedRoot());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch run: " + e.getMessage());
      return 2;
    }
    try (Lifecycle life = Lifecycle.start("sigwatch")) {
      KafkaRuntime kafka = life.add(KafkaRuntime.start(cfg));
      AlertSink sink = cfg.alerts().file() == null ? JsonLinesSink.toStream(System.out)
          : JsonLinesSink.toFile(cfg.alerts().file());
      AlertPrinter printer = life.add(new AlertPrinter(kafka.clientProperties(), kafka.topics().alerts(),
          "sigwatch-alert-printer", sink));
      printer.start();
      life.add(Stages.verify(cfg, trust, kafka)).start();
      life.add(Stages.match(cfg, trust, kafka, MATCH_JOIN_WINDOW)).start();
      log.info("sigwatch is running (Kafka at {}); alerts go to {}. Ctrl-C to stop.", kafka.bootstrapServers(),
          cfg.alerts().file() == null ? "stdout" : cfg.alerts().file());
      life.awaitStop();
      return 0;
    }
  }
}
