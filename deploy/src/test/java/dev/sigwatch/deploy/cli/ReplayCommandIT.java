package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.AlertStores;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.deploy.Sigwatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.SubjectAltName;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sigwatch replay} end to end: a real SQLite store of 120 identity events, the real broker; matches go to the
 * replay's own topic or file, with a progress line, and nothing reaches {@code sigwatch.alerts}. The expected matches
 * come from how the events were built (string tests), not from the watchlist code.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReplayCommandIT {
  static final String LOG = "rekor.sigstore.dev - 1193050959916656506";
  static final String GITHUB = "https://token.actions.githubusercontent.com";
  static final String WATCHLIST = """
      monitoredValues:
        certIdentities:
          - certSubject: ^https://github\\.com/acme/
            issuers: [https://token\\.actions\\.githubusercontent\\.com]
      """;

  @TempDir Path dir;

  static String san(int i) {
    return i % 3 == 0 ? "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v" + i
        : i % 3 == 1 ? "https://github.com/notacme/app/.github/workflows/release.yml@refs/tags/v" + i
        : "dev" + i + "@acme.com";
  }

  static IdentityEvent event(int i) {
    boolean uri = i % 3 != 2;
    return IdentityEvent.newBuilder().setSource(IdentitySource.REKOR).setLogId(LOG).setLogIndex(1000 + i)
        .setUuid(String.format("%064x", i)).setIntegratedTime(1_760_000_000L + i * 60L)
        .setEntryKind("hashedrekord").setEntryVersion("0.0.1")
        .setSans(List.of(new SubjectAltName(uri ? "uri" : "email", san(i))))
        .setOidcIssuer(uri ? GITHUB : "https://accounts.google.com").setExtensions(Map.of()).setSubjects(List.of())
        .setCertFingerprint(String.format("%064x", 100_000 + i)).setKeyFingerprints(List.of())
        .setObservedAtMillis(1_760_000_000_000L + i * 60_000L + 2000).build();
  }

  @Test
  void replaysToItsOwnTopicAndFileWithProgressAndNeverToTheLiveAlerts(KafkaTestBroker broker) throws Exception {
    String url = AlertStores.sqliteUrl(dir.resolve("store.db"));
    try (AlertStore s = AlertStores.open(url, null, null)) {
      List<IdentityEvent> events = new ArrayList<>();
      for (int i = 0; i < 120; i++) events.add(event(i));
      s.write(new StoreBatch(List.of(), List.of(), events, "test", Map.of()));
    }
    Path config = Files.writeString(dir.resolve("sigwatch.yaml"), String.join("\n",
        "dataDir: " + dir.resolve("data"),
        "kafka:",
        "  bootstrapServers: " + broker.bootstrapServers(),
        "store:",
        "  url: " + url,
        ""));
    Path watchlist = Files.writeString(dir.resolve("watch.yaml"), WATCHLIST);
    Set<String> expected = new HashSet<>();
    for (int i = 10; i < 120; i++) {
      if (san(i).startsWith("https://github.com/acme/")) expected.add((1000 + i) + " " + san(i));
    }

    Topics topics = Topics.create(SerdeConfig.embedded());
    Topic<String, Alert> live = topics.alerts();
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, List.of(live));
    }
    Map<TopicPartition, Long> liveBefore = ends(broker, live);
    String name = KafkaTestBroker.uniqueName("replay-it");
    StringWriter err = new StringWriter();
    int code = run(err, "replay", "--config", config.toString(), "--watchlist", watchlist.toString(), "--topic",
        "--name", name, "--log", LOG, "--from", "1010");
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("100%").contains("events/s").contains("ETA")
        .contains(String.format("%,d matches", expected.size())).contains("sigwatch.replay." + name);

    List<Alert> onTopic = readAll(broker, topics.replay(name), Map.of());
    Set<String> got = new HashSet<>();
    for (Alert a : onTopic) {
      assertThat(a.getType()).isEqualTo("REPLAY_MATCH");
      got.add(a.getLogIndex() + " " + a.getIdentity());
    }
    assertThat(got).isEqualTo(expected);
    Set<String> ids = new HashSet<>();
    onTopic.forEach(a -> ids.add(a.getAlertId()));
    assertThat(readAll(broker, live, liveBefore)).as("nothing of the replay on " + live.name())
        .noneMatch(a -> ids.contains(a.getAlertId()) || a.getType().equals("REPLAY_MATCH"));

    // The same replay into a JSON-lines file.
    Path out = dir.resolve("hits.jsonl");
    StringWriter err2 = new StringWriter();
    assertThat(run(err2, "replay", "--config", config.toString(), "--watchlist", watchlist.toString(), "--out",
        out.toString(), "--name", name + "-file", "--from", "1010")).as(err2.toString()).isZero();
    ObjectMapper json = new ObjectMapper();
    Set<String> inFile = new HashSet<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode a = json.readTree(line);
      inFile.add(a.get("logIndex").asLong() + " " + a.get("identity").asText());
    }
    assertThat(inFile).isEqualTo(expected);

    // A name in use, a bad bound, no watchlist: exit 2, saying why.
    StringWriter bad = new StringWriter();
    assertThat(run(bad, "replay", "--config", config.toString(), "--watchlist", watchlist.toString(), "--name", name))
        .isEqualTo(2);
    assertThat(bad.toString()).contains("exists");
    StringWriter bad2 = new StringWriter();
    assertThat(run(bad2, "replay", "--config", config.toString(), "--watchlist", watchlist.toString(), "--from",
        "last tuesday")).isEqualTo(2);
    assertThat(bad2.toString()).contains("from must be a log index");
    StringWriter bad3 = new StringWriter();
    assertThat(run(bad3, "replay", "--config", config.toString())).isEqualTo(2);
    assertThat(bad3.toString()).contains("--watchlist FILE is required");
  }

  @Test
  void helpExplainsWhatAReplayDoesAndDoesNotVerify() {
    StringWriter out = new StringWriter();
    CommandLine cl = Sigwatch.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("replay", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("--watchlist").contains("--from").contains("--to").contains("--log")
        .contains("--out").contains("--topic").contains("--store").contains("--resume").contains("REPLAY_MATCH")
        .contains("NOT re-verify").contains("Never to sigwatch.alerts");
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = Sigwatch.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static Map<TopicPartition, Long> ends(KafkaTestBroker broker, Topic<String, Alert> topic) {
    try (KafkaConsumer<String, Alert> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringDeserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return c.endOffsets(parts);
    }
  }

  /** Every record of {@code topic} from {@code from} (the beginning where absent) to its current end. */
  private static List<Alert> readAll(KafkaTestBroker broker, Topic<String, Alert> topic, Map<TopicPartition, Long> from) {
    List<Alert> out = new ArrayList<>();
    try (KafkaConsumer<String, Alert> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringDeserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      for (TopicPartition p : parts) c.seek(p, from.getOrDefault(p, 0L));
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, Alert> r : c.poll(Duration.ofMillis(200))) out.add(r.value());
      }
    }
    return out;
  }
}
