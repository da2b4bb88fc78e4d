package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.schemas.topics.Topic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch topics --config FILE}: creates sigwatch's topics that are missing on the cluster (what every stage
 * also does at startup), then lists each with its partitions, replication and cleanup policy — the Kubernetes Job
 * and compose's init service run it once before the stages.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"Create sigwatch's Kafka topics that are missing (replication: kafka.replicationFactor; partitions",
        "and retention from the topic catalogue), then list every topic with its partitions, replication and",
        "in-sync replicas. Idempotent: run it before the stages of a cluster deployment (each stage also creates",
        "missing topics at start). Exit 0 when every topic exists, 1 when one is missing or under-replicated."})
public final class TopicsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (kafka.* is used).")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SigwatchConfig cfg;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch topics: " + e.getMessage());
      return 2;
    }
    if (cfg.embeddedKafka()) {
      spec.commandLine().getErr().println("sigwatch topics: kafka.bootstrapServers is not set; this command is for "
          + "a cluster (the embedded broker creates its topics when `run` starts)");
      return 2;
    }
    try (KafkaRuntime kafka = KafkaRuntime.start(cfg); Admin admin = Admin.create(kafka.clientProperties())) {
      List<String> names = kafka.topics().all().stream().map(Topic::name).sorted().toList();
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
      boolean ok = true;
      out.printf(Locale.ROOT, "%-36s %10s %11s %8s%n", "topic", "partitions", "replication", "in-sync");
      for (String name : names) {
        TopicDescription d = described.get(name);
        int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        int inSync = d.partitions().stream().mapToInt(p -> p.isr().size()).min().orElse(0);
        boolean under = replication < cfg.kafka().replicationFactor() || inSync < replication;
        ok &= !under;
        out.printf(Locale.ROOT, "%-36s %10d %11d %8d%s%n", name, d.partitions().size(), replication, inSync,
            under ? "  UNDER-REPLICATED" : "");
      }
      return ok ? 0 : 1;
    }
  }
}
