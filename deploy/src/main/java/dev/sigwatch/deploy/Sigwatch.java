package dev.sigwatch.deploy;

import dev.sigwatch.deploy.cli.ApiCommand;
import dev.sigwatch.deploy.cli.BackfillCommand;
import dev.sigwatch.deploy.cli.BenchmarkCommand;
import dev.sigwatch.deploy.cli.CheckpointCommand;
import dev.sigwatch.deploy.cli.ConfigCommand;
import dev.sigwatch.deploy.cli.DemoCommand;
import dev.sigwatch.deploy.cli.ExplainCommand;
import dev.sigwatch.deploy.cli.IngestCommand;
import dev.sigwatch.deploy.cli.MatchCommand;
import dev.sigwatch.deploy.cli.ReplayCommand;
import dev.sigwatch.deploy.cli.RunCommand;
import dev.sigwatch.deploy.cli.AlertCommand;
import dev.sigwatch.deploy.cli.TopicsCommand;
import dev.sigwatch.deploy.cli.VerifyCommand;
import dev.sigwatch.deploy.cli.WatchlistCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sigwatch} command: every subcommand is a way to run or inspect the monitor. */
@Command(name = "sigwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "A monitor for Sigstore's transparency logs (Rekor v1, Rekor v2 and the Fulcio CT log).",
        "",
        "It proves the logs stay append-only and consistent, and alerts within seconds when a signature or a",
        "certificate for one of your identities appears. Stages talk through Kafka topics; `run` starts them all",
        "in one JVM with an embedded single-node Kafka broker, which is the default for one machine.",
        ""},
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run `sigwatch <command> --help` for the options of a command.",
        "Exit codes: 0 ok, 1 a check failed, 2 usage or configuration error, 3 not available in this build."},
    subcommands = {
        RunCommand.class,
        IngestCommand.class,
        VerifyCommand.class,
        MatchCommand.class,
        AlertCommand.class,
        DemoCommand.class,
        BackfillCommand.class,
        ReplayCommand.class,
        BenchmarkCommand.class,
        CheckpointCommand.class,
        WatchlistCommand.class,
        dev.sigwatch.deploy.cli.AuthorizeCommand.class,
        ApiCommand.class,
        ExplainCommand.class,
        ConfigCommand.class,
        TopicsCommand.class,
        CommandLine.HelpCommand.class})
public final class Sigwatch implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Sigwatch());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
