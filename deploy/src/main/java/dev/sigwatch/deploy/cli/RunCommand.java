package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML configuration (see README: Configuration). Without it: public-good logs, embedded broker, "
          + "empty watchlist.")
  Path config;

  @Override
  public Integer call() throws Exception {
    try {
      SigwatchConfig cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
      return Pipeline.runUntilStopped(cfg, "sigwatch", null, p -> { });
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch run: " + e.getMessage());
      return 2;
    }
  }
}
