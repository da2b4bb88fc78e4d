package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sigwatch config check FILE}: validate a configuration without starting anything. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Inspect configuration files.",
    subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Validate a sigwatch YAML configuration: unknown keys, bad regular expressions, missing files,",
          "unset environment variables. Exit 0 when valid, 2 with one line per problem otherwise."})
  static final class Check implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The configuration file.")
    Path file;

    @Override
    public Integer call() {
      try {
        SigwatchConfig c = ConfigLoader.withSystemEnv().load(file);
        spec.commandLine().getOut().printf("%s is valid: %d log(s) configured%s, %d identity rule(s), kafka: %s%n",
            file, c.logs().size(), c.logs().isEmpty() ? " (discovery from the trusted root)" : "",
            c.monitoredValues().certIdentities().size(),
            c.embeddedKafka() ? "embedded broker in " + c.embeddedKafkaDir() : c.kafka().bootstrapServers());
        return 0;
      } catch (ConfigException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return 2;
      }
    }
  }
}
