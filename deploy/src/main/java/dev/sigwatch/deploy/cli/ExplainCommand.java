package dev.sigwatch.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.explain.Explainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sigwatch explain --config FILE ENTRY_FILE}: identities of an entry and which rules match, as JSON. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Print, as JSON, the identities extracted from a Rekor v1/v2 entry file, bundle or CT leaf, and "
        + "which monitoredValues rules match and why.",
        "For each identity: sans, oidcIssuer, extensions (Fulcio ones and any other OID), subjects, fingerprints, "
        + "'matches' (ruleId, identity, why) and 'notMatched' (ruleId, rule, whyNot).",
        "Exit codes: 0 printed, 1 the entry cannot be parsed (the reason is printed), 2 bad arguments or config."})
public final class ExplainCommand implements Callable<Integer> {
  @Option(names = "--config", description = "sigwatch YAML config with monitoredValues")
  Path config;

  @Parameters(index = "0", paramLabel = "ENTRY_FILE",
      description = "Rekor v1 entry ({uuid: entry} or bare), Rekor v2 TransparencyLogEntry JSON, a Sigstore bundle, "
          + "or a CT leaf {leaf_input, extra_data}")
  Path entry;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig c = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    try {
      spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter()
          .writeValueAsString(Explainer.explain(entry, c.monitoredValues())));
      return 0;
    } catch (dev.sigwatch.match.parse.EntryParseException e) {
      spec.commandLine().getErr().println("sigwatch explain: " + entry + ": " + e.getMessage());
      return 1;
    }
  }
}
