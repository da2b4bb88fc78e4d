package dev.sigwatch.deploy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Stages that are not in this build yet. Each says so plainly and exits 3: nothing pretends to work.
 * A stage replaces its entry here with a real command when it lands.
 */
public final class StageCommands {
  private StageCommands() {}

  /** Exit code of a command whose stage is not built yet. */
  public static final int NOT_AVAILABLE = 3;

  abstract static class NotYet implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    abstract String what();

    @Override
    public Integer call() {
      spec.commandLine().getErr().printf("sigwatch %s: %s is not built yet in this version; nothing was started.%n",
          spec.name(), what());
      return NOT_AVAILABLE;
    }
  }

  @Command(name = "alert", mixinStandardHelpOptions = true,
      description = "Run the alert stage alone: sinks, alert store, HTTP API. (Not built yet.)")
  public static final class Alert extends NotYet {
    @Override
    String what() {
      return "the alert stage (sinks and store)";
    }
  }

}
