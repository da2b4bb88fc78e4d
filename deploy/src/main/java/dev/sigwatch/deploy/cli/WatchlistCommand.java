package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sigwatch watchlist add|remove|list}: edits the compacted watchlist topic the running matcher follows. */
@Command(name = "watchlist", mixinStandardHelpOptions = true,
    description = "Add, remove or list watchlist rules at runtime (the running matcher picks them up).",
    subcommands = {WatchlistCommand.Add.class, WatchlistCommand.Remove.class, WatchlistCommand.ListRules.class})
public final class WatchlistCommand {
  @Option(names = "--config", description = "sigwatch YAML config (kafka)")
  Path config;

  KafkaRuntime kafka() throws Exception {
    SigwatchConfig c = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    return KafkaRuntime.start(c);
  }

  static void send(KafkaRuntime k, String key, WatchRule value) throws Exception {
    var t = k.topics().watchlist();
    try (KafkaProducer<String, WatchRule> p = new KafkaProducer<>(new HashMap<>(k.clientProperties()),
        t.keySerde().serializer(), t.valueSerde().serializer())) {
      p.send(new ProducerRecord<>(t.name(), key, value)).get();
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a rule; prints its id.")
  static final class Add implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;
    @Option(names = "--type", required = true, description = "${COMPLETION-CANDIDATES}") RuleType type;
    @Option(names = "--cert-subject", description = "CERT_IDENTITY: regex over SANs") String certSubject;
    @Option(names = "--issuer", description = "CERT_IDENTITY: regex over the OIDC issuer (repeatable)") List<String> issuers = List.of();
    @Option(names = "--value", description = "SUBJECT regex / FINGERPRINT exact value") String value;
    @Option(names = "--oid", description = "FULCIO_EXTENSION name or OID_EXTENSION dotted OID") String oid;
    @Option(names = "--values", split = ",", description = "extension values (exact)") List<String> values = List.of();

    @Override
    public Integer call() throws Exception {
      WatchRule r = WatchRules.rule(type, certSubject, issuers, value, oid, values, System.currentTimeMillis());
      String problem = Watchlist.problem(r);
      if (problem != null) {
        System.err.println("sigwatch watchlist add: " + problem);
        return 2;
      }
      try (KafkaRuntime k = parent.kafka()) {
        send(k, r.getRuleId(), r);
      }
      System.out.println(r.getRuleId());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rule by id.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "RULE_ID") String ruleId;

    @Override
    public Integer call() throws Exception {
      try (KafkaRuntime k = parent.kafka()) {
        send(k, ruleId, null);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the current rules.")
  static final class ListRules implements Callable<Integer> {
    @ParentCommand WatchlistCommand parent;

    @Override
    public Integer call() throws Exception {
      try (KafkaRuntime k = parent.kafka()) {
        var t = k.topics().watchlist();
        Map<String, Object> props = new HashMap<>(k.clientProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, WatchRule> rules = new TreeMap<>();
        try (KafkaConsumer<String, WatchRule> c = new KafkaConsumer<>(props, t.keySerde().deserializer(),
            t.valueSerde().deserializer())) {
          List<TopicPartition> parts = c.partitionsFor(t.name()).stream()
              .map(p -> new TopicPartition(t.name(), p.partition())).toList();
          c.assign(parts);
          c.seekToBeginning(parts);
          Map<TopicPartition, Long> end = c.endOffsets(parts);
          while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
            c.poll(Duration.ofMillis(200)).forEach(r -> {
              if (r.value() == null) {
                rules.remove(r.key());
              } else {
                rules.put(r.key(), r.value());
              }
            });
          }
        }
        rules.values().forEach(r -> System.out.println(r.getRuleId() + "\t" + r.getType() + "\t"
            + (r.getCertSubject() != null ? r.getCertSubject() + " " + r.getIssuers()
                : r.getValue() != null ? r.getValue() : r.getOid() + " " + r.getValues())));
      }
      return 0;
    }
  }
}
