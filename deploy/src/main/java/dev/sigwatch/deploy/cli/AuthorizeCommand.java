package dev.sigwatch.deploy.cli;

import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.match.authorize.Authorizations;
import dev.sigwatch.schemas.Authorization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sigwatch authorize add|remove|list}: expected signings, so your own releases do not page you. */
@Command(name = "authorize", mixinStandardHelpOptions = true,
    description = {"Record that a signing is expected — your own release — so that a watchlist match on it raises an "
        + "INFO 'AUTHORIZED' alert instead of a HIGH IDENTITY_MATCH. An entry is covered when its artifact digest, its "
        + "certificate (SHA-256 of the DER), its precertificate TBS hash, or its GitHub workflow run (Fulcio extension "
        + "1.3.6.1.4.1.57264.1.21, the run invocation URI) is authorized. A certificate that no Fulcio CA issued stays "
        + "a LOOKALIKE whatever is authorized.",
        "Authorizations are records of the compacted sigwatch.authorizations topic (key = KIND:value); a running "
        + "matcher picks them up without a restart; 'remove' writes a tombstone. Authorize before the release signs: "
        + "an entry matched earlier has already alerted.",
        "Kafka: kafka.bootstrapServers, or the embedded broker of a running 'sigwatch run' with the same config.",
        "Exit codes: 0 done, 1 no Kafka reachable or unknown id, 2 invalid value or arguments."},
    subcommands = {AuthorizeCommand.Add.class, AuthorizeCommand.Remove.class, AuthorizeCommand.ListAll.class})
public final class AuthorizeCommand {
  @Option(names = "--config", description = "sigwatch YAML config (kafka)")
  Path config;

  int onKafka(CommandSpec spec, TopicEdit.OnKafka work) throws Exception {
    return TopicEdit.onKafka(config, spec, "sigwatch authorize", work);
  }

  static CompactedTopic<Authorization> topic(KafkaRuntime k) {
    return new CompactedTopic<>(k.clientProperties(), k.topics().authorizations());
  }

  /** Exactly one of the values an authorization can name. */
  static final class What {
    @Option(names = "--artifact", paramLabel = "ALGO:HEX", description = "an artifact digest, e.g. sha256:4f1c...")
    String artifact;
    @Option(names = "--certificate", paramLabel = "HEX", description = "a certificate: hex SHA-256 of its DER")
    String certificate;
    @Option(names = "--tbs", paramLabel = "HEX", description = "a precertificate: hex SHA-256 of its TBS (CT ⋈ Rekor key)")
    String tbs;
    @Option(names = "--workflow-run", paramLabel = "URL",
        description = "a GitHub workflow run, as in Fulcio's run invocation URI (1.3.6.1.4.1.57264.1.21), e.g. "
            + "https://github.com/acme/app/actions/runs/123/attempts/1")
    String workflowRun;

    Authorizations.Kind kind() {
      return artifact != null ? Authorizations.Kind.ARTIFACT_DIGEST : certificate != null ? Authorizations.Kind.CERTIFICATE
          : tbs != null ? Authorizations.Kind.TBS : Authorizations.Kind.WORKFLOW_RUN;
    }

    String value() {
      return artifact != null ? artifact : certificate != null ? certificate : tbs != null ? tbs : workflowRun;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Authorize one artifact digest, certificate, TBS hash or workflow run; prints its id (KIND:value).")
  static final class Add implements Callable<Integer> {
    @ParentCommand AuthorizeCommand parent;
    @Spec CommandSpec spec;
    @ArgGroup(exclusive = true, multiplicity = "1") What what;
    @Option(names = "--description", description = "why it is expected (shown in the alert)") String description;

    @Override
    public Integer call() throws Exception {
      Authorizations.Kind kind = what.kind();
      String id = Authorizations.id(kind, what.value());
      Authorization a = Authorization.newBuilder().setAuthorizationId(id).setKind(kind.name())
          .setValue(kind.normalize(what.value())).setDescription(description)
          .setCreatedAtMillis(System.currentTimeMillis()).build();
      String problem = Authorizations.problem(a);
      if (problem != null) {
        spec.commandLine().getErr().println("sigwatch authorize add: " + problem);
        return 2;
      }
      return parent.onKafka(spec, k -> {
        topic(k).send(id, a);
        spec.commandLine().getOut().println(id);
        return 0;
      });
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove an authorization by id (a tombstone in the compacted topic).")
  static final class Remove implements Callable<Integer> {
    @ParentCommand AuthorizeCommand parent;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ID", description = "as printed by 'add' or 'list'") String id;

    @Override
    public Integer call() throws Exception {
      return TopicEdit.remove(parent.config, spec, "sigwatch authorize", "authorization", AuthorizeCommand::topic, id);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the authorizations, one per line: id, description.")
  static final class ListAll implements Callable<Integer> {
    @ParentCommand AuthorizeCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return parent.onKafka(spec, k -> {
        PrintWriter out = spec.commandLine().getOut();
        topic(k).current().values().forEach(a -> out.println(a.getAuthorizationId() + "\t"
            + (a.getDescription() == null ? "" : a.getDescription())));
        return 0;
      });
    }
  }
}
