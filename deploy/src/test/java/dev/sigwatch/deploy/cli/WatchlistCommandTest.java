package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The watchlist commands against the real embedded broker, writing to and reading the compacted watchlist topic. */
@ExtendWith(KafkaBrokerExtension.class)
class WatchlistCommandTest {
  @TempDir Path tmp;
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = new CommandLine(new WatchlistCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  Path config(String kafkaLine) throws Exception {
    return Files.writeString(tmp.resolve("sigwatch.yaml"),
        "dataDir: " + tmp.resolve("data") + "\n" + kafkaLine + "\n");
  }

  /** Every record of the watchlist topic, tombstones included, in offset order. */
  static List<ConsumerRecord<String, WatchRule>> records(KafkaTestBroker broker) {
    var t = Topics.create(SerdeConfig.embedded()).watchlist();
    Map<String, Object> props = broker.consumerConfig(KafkaTestBroker.uniqueName("wl-read"));
    List<ConsumerRecord<String, WatchRule>> got = new ArrayList<>();
    try (KafkaConsumer<String, WatchRule> c = new KafkaConsumer<>(props, t.keySerde().deserializer(),
        t.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(t.name()).stream()
          .map(p -> new TopicPartition(t.name(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }

  @Test
  void addListRemoveAgainstTheConfiguredCluster(KafkaTestBroker broker) throws Exception {
    String cfg = config("kafka:\n  bootstrapServers: " + broker.bootstrapServers()).toString();
    String subject = "^wl-" + System.nanoTime() + "@example\\.com$";

    assertThat(run("--config", cfg, "add", "--type", "CERT_IDENTITY", "--cert-subject", subject,
        "--issuer", "^https://accounts\\.google\\.com$")).as(err.toString()).isZero();
    String id = out.toString().trim();
    assertThat(id).startsWith("r-");
    assertThat(run("--config", cfg, "add", "--type", "OID_EXTENSION", "--oid", "1.3.6.1.4.1.99999.1",
        "--values", "prod,staging")).isZero();
    String oidRule = out.toString().trim();

    assertThat(records(broker)).filteredOn(r -> r.key().equals(id)).singleElement().satisfies(r -> {
      assertThat(r.value().getCertSubject()).isEqualTo(subject);
      assertThat(r.value().getIssuers()).containsExactly("^https://accounts\\.google\\.com$");
    });
    assertThat(run("--config", cfg, "list")).isZero();
    assertThat(out.toString()).contains(id + "\tCERT_IDENTITY\t" + subject + " [^https://accounts\\.google\\.com$]")
        .contains(oidRule + "\tOID_EXTENSION\t1.3.6.1.4.1.99999.1 [prod, staging]");

    assertThat(run("--config", cfg, "remove", id)).isZero();
    assertThat(out.toString().trim()).isEqualTo("removed " + id);
    List<ConsumerRecord<String, WatchRule>> mine = records(broker).stream().filter(r -> r.key().equals(id)).toList();
    assertThat(mine).hasSize(2);
    assertThat(mine.get(1).value()).as("tombstone").isNull();
    assertThat(run("--config", cfg, "list")).isZero();
    assertThat(out.toString()).doesNotContain(id).contains(oidRule);

    assertThat(run("--config", cfg, "remove", id)).isEqualTo(1);
    assertThat(err.toString().trim()).isEqualTo("sigwatch watchlist remove: no rule " + id
        + " in sigwatch.watchlist (see 'sigwatch watchlist list')");
  }

  @Test
  void embeddedDefaultThatIsNotRunningIsAClearError() throws Exception {
    String cfg = config("").toString();
    assertThat(run("--config", cfg, "list")).isEqualTo(1);
    assertThat(err.toString().trim()).isEqualTo("sigwatch watchlist: no Kafka to write to: kafka.bootstrapServers "
        + "is not set and the embedded broker (data in " + tmp.resolve("data").resolve("kafka") + ") is not running. "
        + "Start 'sigwatch run' with this config first, or set kafka.bootstrapServers to your cluster.");
    // A stale state file of a stopped broker (nothing listens on its port) is the same error.
    Files.createDirectories(tmp.resolve("data/kafka"));
    try (var s = new java.net.ServerSocket(0)) {
      Files.writeString(tmp.resolve("data/kafka/sigwatch-broker.properties"), "broker.port=" + s.getLocalPort() + "\n");
    }
    assertThat(run("--config", cfg, "add", "--type", "SUBJECT", "--value", "x")).isEqualTo(1);
    assertThat(err.toString()).contains("is not running");
  }

  @Test
  void embeddedBrokerOfARunningSigwatchIsFoundThroughItsDataDirectory(KafkaTestBroker broker) throws Exception {
    assumeThat(broker.isEmbedded()).as("needs the embedded test broker on 127.0.0.1").isTrue();
    String port = broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1);
    Files.createDirectories(tmp.resolve("data/kafka"));
    Files.writeString(tmp.resolve("data/kafka/sigwatch-broker.properties"), "broker.port=" + port + "\n");
    String cfg = config("").toString();
    String value = "^found-" + System.nanoTime() + "@";
    assertThat(run("--config", cfg, "add", "--type", "SUBJECT", "--value", value)).as(err.toString()).isZero();
    String id = out.toString().trim();
    assertThat(run("--config", cfg, "list")).isZero();
    assertThat(out.toString()).contains(id + "\tSUBJECT\t" + value);
  }

  @Test
  void invalidRuleIsRejectedBeforeAnyKafka() throws Exception {
    assertThat(run("--config", config("").toString(), "add", "--type", "OID_EXTENSION", "--oid", "not.an.oid",
        "--values", "x")).isEqualTo(2);
    assertThat(err.toString().trim()).matches("sigwatch watchlist add: rule r-[0-9a-f]+ \\(OID_EXTENSION\\): "
        + "'not\\.an\\.oid' is not a dotted OID such as 1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.9");
  }

  @Test
  void helpExplainsEachCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: watchlist", "compacted", "tombstone", "kafka.bootstrapServers",
        "sigwatch run", "add", "remove", "list");
    assertThat(run("add", "--help")).isZero();
    assertThat(out.toString()).contains("--cert-subject", "--issuer", "--oid", "--values", "CERT_IDENTITY, SUBJECT");
    assertThat(run("remove", "--help")).isZero();
    assertThat(out.toString()).contains("RULE_ID", "tombstone");
    assertThat(run("list", "--help")).isZero();
    assertThat(out.toString()).contains("one per line");
  }
}
