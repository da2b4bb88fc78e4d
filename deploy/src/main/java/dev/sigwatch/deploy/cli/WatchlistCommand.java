package dev.sigwatch.deploy.cli;

import dev.sigwatch.match.watchlist.WatchlistTopic;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sigwatch watchlist add|remove|list}: edits the compacted watchlist topic the running matcher follows. */
@Command(name = "watchlist", mixinStandardHelpOptions = true,
    description = {"Add, remove or list watchlist rules at runtime: rules are records of the compacted watchlist "
        + "topic (key = rule id); a running matcher picks them up without a restart; 'remove' writes a tombstone.",
        "Kafka: the cluster in kafka.bootstrapServers; with no bootstrapServers, the embedded broker of a running "
        + "'sigwatch run' with the same config (found through its data directory). These commands never start a "
        + "broker of their own: when the embedded one is not running they fail and say so. They authenticate to it "
        + "with the SASL/SCRAM credentials it generated into its data directory (client.properties).",
        "Rules in the config's monitoredValues are not listed here: they are loaded at startup, not from the topic.",
        "Exit codes: 0 done, 1 no Kafka reachable or unknown rule id, 2 invalid rule or arguments."},
    subcommands = {WatchlistCommand.Add.class, WatchlistCommand.Remove.class, WatchlistCommand.ListRules.class})
public final class WatchlistCommand {
  /** Written by the embedded broker into its data directory: the ports chosen at its first start. */
  static final String BROKER_STATE_FILE = "sigwatch-broker.properties";

  @Option(names = "--config", description = "sigwatch YAML config (kafka)")
  Path config;

  /**
   * The cluster of {@code c}: its {@code kafka.bootstrapServers}, or else the embedded broker of a running
   * {@code sigwatch run} with the same data directory; null after printing why there is none (never starts a broker).
   */
  static KafkaRuntime existingKafka(SigwatchConfig c, PrintWriter err, String who) throws Exception {
    if (!c.embeddedKafka()) {
      return KafkaRuntime.start(c);
    }
    String running = runningEmbeddedBroker(c.embeddedKafkaDir());
    if (running == null) {
      err.println(who + ": no Kafka to write to: kafka.bootstrapServers is not set and the embedded "
          + "broker (data in " + c.embeddedKafkaDir() + ") is not running. Start 'sigwatch run' with this config "
          + "first, or set kafka.bootstrapServers to your cluster.");
      return null;
    }
    KafkaSettings k = c.kafka();
    // The running broker's SASL settings and credentials (client.properties, 0600, readable only by the user that
    // runs sigwatch); none for a PLAINTEXT broker.
    Map<String, String> props = new HashMap<>(k.properties());
    EmbeddedKafkaBroker.clientSettings(c.embeddedKafkaDir()).ifPresent(props::putAll);
    props.remove("bootstrap.servers");
    return KafkaRuntime.start(c.withKafka(
        new KafkaSettings(running, k.schemaRegistryUrl(), k.embeddedDataDir(), (short) 1, props)));
  }

  /** {@code 127.0.0.1:port} of the embedded broker of {@code dir} when it accepts connections, else null. */
  static String runningEmbeddedBroker(Path dir) {
    Path state = dir.resolve(BROKER_STATE_FILE);
    if (!Files.isRegularFile(state)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(state)) {
      p.load(in);
      int port = Integer.parseInt(p.getProperty("broker.port", "-1"));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      }
      return "127.0.0.1:" + port;
    } catch (IOException | IllegalArgumentException notRunning) {
      return null;
    }
  }

  /** The watchlist topic of {@code k} (shared with the HTTP API). */
  static WatchlistTopic topic(KafkaRuntime k) {
    return new WatchlistTopic(k.clientProperties(), k.topics().watchlist());
  }

  int onKafka(CommandSpec spec, TopicEdit.OnKafka work) throws Exception {
    return TopicEdit.onKafka(config, spec, "sigwatch watchlist", work);
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a rule (rekor-monitor monitoredValues semantics); prints its id, which is derived from "
          + "the rule's content, so adding the same rule twice keeps one rule.",
          "CERT_IDENTITY --cert-subject REGEX [--issuer REGEX]...; SUBJECT --value REGEX; FINGERPRINT --value HEX; "
          + "FULCIO_EXTENSION --oid NAME --values V,...; OID_EXTENSION --oid DOTTED --values V,..."})
  static final class Add implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--type", required = true, description = "${COMPLETION-CANDIDATES}") RuleType type;
    @Option(names = "--cert-subject", description = "CERT_IDENTITY: regex over SANs (unanchored)") String certSubject;
    @Option(names = "--issuer", description = "CERT_IDENTITY: regex over the OIDC issuer (repeatable)")
    List<String> issuers = List.of();
    @Option(names = "--value", description = "SUBJECT regex / FINGERPRINT exact value") String value;
    @Option(names = "--oid", description = "FULCIO_EXTENSION name or OID_EXTENSION dotted OID") String oid;
    @Option(names = "--values", split = ",", description = "extension values (exact)") List<String> values = List.of();

    @Override
    public Integer call() throws Exception {
      WatchRule r = WatchRules.rule(type, certSubject, issuers, value, oid, values, System.currentTimeMillis());
      String problem = Watchlist.problem(r);
      if (problem != null) {
        spec.commandLine().getErr().println("sigwatch watchlist add: " + problem);
        return 2;
      }
      return parent.onKafka(spec, k -> {
        topic(k).put(r);
        spec.commandLine().getOut().println(r.getRuleId());
        return 0;
      });
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a rule by id (writes a tombstone for it to the compacted topic).")
  static final class Remove implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RULE_ID", description = "as printed by 'add' or 'list'") String ruleId;

    @Override
    public Integer call() throws Exception {
      return TopicEdit.remove(parent.config, spec, "sigwatch watchlist", "rule",
          k -> new CompactedTopic<>(k.clientProperties(), k.topics().watchlist()), ruleId);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the rules of the watchlist topic, one per line: id, type, rule.")
  static final class ListRules implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return parent.onKafka(spec, k -> {
        PrintWriter out = spec.commandLine().getOut();
        topic(k).current().values().forEach(r -> out.println(r.getRuleId() + "\t" + r.getType() + "\t"
            + (r.getCertSubject() != null ? r.getCertSubject() + " " + r.getIssuers()
                : r.getValue() != null ? r.getValue() : r.getOid() + " " + r.getValues())));
        return 0;
      });
    }
  }
}
