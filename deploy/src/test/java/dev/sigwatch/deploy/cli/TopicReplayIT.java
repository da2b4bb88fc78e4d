package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.alert.replay.ReplayOutput;
import dev.sigwatch.alert.replay.ReplayRange;
import dev.sigwatch.alert.replay.ReplayWatchlist;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.AlertStores;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.deploy.Sigwatch;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sigwatch replay --source topics} on the real broker: real Rekor (hashedrekord) and CT (precertificate)
 * entries for certificates of the simulator's CA, in two batches an hour apart by record timestamp, plus two malformed
 * records. The expected matches come from the identities the certificates were issued for (string tests), not from
 * the watchlist or the parsers.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TopicReplayIT {
  static final String REKOR = "rekor.sim - 1";
  static final String CT = "ct.sim/2022";
  static final String GITHUB = Identity.GITHUB_ISSUER;
  static final String WATCHLIST = """
      monitoredValues:
        certIdentities:
          - certSubject: ^https://github\\.com/acme/
            issuers: [https://token\\.actions\\.githubusercontent\\.com]
      """;
  static final int REKOR_ENTRIES = 18; // 0..8 in batch A, 9..17 in batch B
  static final int CT_ENTRIES = 6; // 0..2 in A, 3..5 in B

  @TempDir Path dir;

  static Identity identity(int i) {
    return switch (i % 3) {
      // (Identity.githubWorkflow fails for repositories whose hashCode has fewer than 8 hex digits.)
      case 0 -> workflow("acme/app" + i, i);
      case 1 -> workflow("notacme/app" + i, i);
      default -> Identity.email("dev" + i + "@acme.com", "https://accounts.google.com");
    };
  }

  static Identity workflow(String repo, int i) {
    return new Identity(Identity.SanType.URI, "https://github.com/" + repo + "/.github/workflows/release.yml@refs/tags/v"
        + i, GITHUB, Map.of(5, repo));
  }

  /** "log index identity" of the entries the watchlist must match, from the identities alone. */
  static Set<String> expected(boolean batchA, boolean batchB, String log, long fromIndex, long toIndex) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < REKOR_ENTRIES + CT_ENTRIES; i++) {
      boolean ct = i >= REKOR_ENTRIES;
      int index = ct ? i - REKOR_ENTRIES : i;
      boolean inA = ct ? index < CT_ENTRIES / 2 : index < REKOR_ENTRIES / 2;
      String logId = ct ? CT : REKOR;
      Identity id = identity(i);
      if ((inA ? !batchA : !batchB) || (log != null && !log.equals(logId)) || index < fromIndex || index >= toIndex) {
        continue;
      }
      if (id.san().startsWith("https://github.com/acme/") && id.issuer().equals(GITHUB)) {
        out.add(logId + " " + index + " " + id.san());
      }
    }
    return out;
  }

  @Test
  void replaysTheEntryTopicsIntoItsOwnOutputsWithBoundsAndMalformedRecordsCounted(KafkaTestBroker broker)
      throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(KafkaTestBroker.uniqueName("topic-replay") + ".");
    Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, List.of(topics.rekorEntries(), topics.ctEntries()));
    }
    Instant now = Instant.now();
    long batchA = now.minus(Duration.ofHours(2)).toEpochMilli();
    long batchB = now.minus(Duration.ofHours(1)).toEpochMilli();
    SimCa ca = new SimCa(now.minus(Duration.ofDays(1)));
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
      String rekorTopic = topics.rekorEntries().name();
      String ctTopic = topics.ctEntries().name();
      for (int i = 0; i < REKOR_ENTRIES + CT_ENTRIES; i++) {
        boolean ct = i >= REKOR_ENTRIES;
        int index = ct ? i - REKOR_ENTRIES : i;
        long ts = (ct ? index < CT_ENTRIES / 2 : index < REKOR_ENTRIES / 2) ? batchA : batchB;
        IssuedCert c = ca.issue(identity(i), Instant.ofEpochMilli(ts), List.of());
        byte[] value = ct
            ? topics.ctEntries().valueSerde().serializer().serialize(ctTopic, ct(ca, c, index, ts))
            : topics.rekorEntries().valueSerde().serializer().serialize(rekorTopic, rekor(c, index, ts));
        p.send(new ProducerRecord<>(ct ? ctTopic : rekorTopic, null, ts, (ct ? CT : REKOR) + "/" + index, value))
            .get();
      }
      // Two malformed records in batch B: bytes that are no Avro RekorEntry, and an entry whose body is no JSON.
      p.send(new ProducerRecord<>(rekorTopic, null, batchB, "garbage", "not avro at all".getBytes(
          StandardCharsets.UTF_8))).get();
      p.send(new ProducerRecord<>(rekorTopic, null, batchB, REKOR + "/100", topics.rekorEntries().valueSerde()
          .serializer().serialize(rekorTopic, rekorBody("{not json".getBytes(StandardCharsets.UTF_8), 100, batchB))))
          .get();
    }
    Watchlist w = ReplayWatchlist.parse(WATCHLIST);

    // 1. Everything retained, into the replay's own topic; the summary names both malformed records' reasons.
    String name = KafkaTestBroker.uniqueName("topic-replay");
    StringWriter err = new StringWriter();
    int code;
    try (ReplayOutput out = ReplayOutput.topic(client, topics.replay(name))) {
      code = TopicReplayCommand.replay(name, w, ReplayRange.scan(null, null, null), client, topics, null, out,
          new PrintWriter(err, true));
    }
    assertThat(code).as(err.toString()).isZero();
    Set<String> all = expected(true, true, null, 0, Long.MAX_VALUE);
    assertThat(all).hasSize(8); // i % 3 == 0 over 24 identities
    String summary = err.toString();
    assertThat(summary).contains("100%").contains("records/s").contains("ETA")
        .contains(String.format("%,d matches", all.size())).contains("2 malformed records skipped")
        .contains("not a RekorEntry record").contains("parsing:").contains(topics.rekorEntries().name() + "-");
    List<Alert> onTopic = readAll(broker, topics.replay(name).name(), topics);
    assertThat(keys(onTopic)).isEqualTo(all);
    assertThat(onTopic).allSatisfy(a -> {
      assertThat(a.getType()).isEqualTo("REPLAY_MATCH");
      String src = a.getEvidence().get("replaySource");
      assertThat(src.substring("topic ".length(), src.indexOf(" partition ")))
          .isIn(topics.rekorEntries().name(), topics.ctEntries().name());
      assertThat(a.getEvidence().get("notVerified")).contains("certificate chain");
    });
    assertThat(topicExists(broker, topics.alerts().name())).as("nothing written to the live alerts").isFalse();

    // 2. --from TIME (between the batches, by record timestamp), into a JSON-lines file.
    Path file = dir.resolve("hits.jsonl");
    String from = Instant.ofEpochMilli(batchA + Duration.ofMinutes(30).toMillis()).toString();
    StringWriter err2 = new StringWriter();
    try (ReplayOutput out = ReplayOutput.file(file)) {
      assertThat(TopicReplayCommand.replay(name + "-from", w, ReplayRange.scan(null, from, null), client, topics, null,
          out, new PrintWriter(err2, true))).as(err2.toString()).isZero();
    }
    Set<String> inFile = new HashSet<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(file)) {
      JsonNode a = json.readTree(line);
      inFile.add(a.get("logId").asText() + " " + a.get("logIndex").asLong() + " " + a.get("identity").asText());
    }
    Set<String> onlyB = expected(false, true, null, 0, Long.MAX_VALUE);
    assertThat(onlyB).isNotEmpty().isNotEqualTo(all);
    assertThat(inFile).isEqualTo(onlyB);
    assertThat(err2.toString()).contains("2 malformed records skipped");

    // 2b. --to TIME: batch A only.
    Path fileA = dir.resolve("hits-a.jsonl");
    try (ReplayOutput out = ReplayOutput.file(fileA)) {
      assertThat(TopicReplayCommand.replay(name + "-to", w, ReplayRange.scan(null, null, from), client, topics, null,
          out, new PrintWriter(new StringWriter(), true))).isZero();
    }
    Set<String> inFileA = new HashSet<>();
    for (String line : Files.readAllLines(fileA)) {
      JsonNode a = json.readTree(line);
      inFileA.add(a.get("logId").asText() + " " + a.get("logIndex").asLong() + " " + a.get("identity").asText());
    }
    assertThat(inFileA).isEqualTo(expected(true, false, null, 0, Long.MAX_VALUE));

    // 3. --log with --from/--to INDEX, into the store under the replay's name (recorded with source 'topics').
    String url = AlertStores.sqliteUrl(dir.resolve("store.db"));
    try (AlertStore store = AlertStores.open(url, null, null)) {
      Instant t = Instant.now();
      store.createReplay(new ReplayRun(name + "-idx", WATCHLIST, "topics", "3", "12", REKOR, ReplayRun.State.RUNNING,
          0, -1, 0, t, t, null, null, "store", 0));
      StringWriter err3 = new StringWriter();
      try (ReplayOutput out = ReplayOutput.store(store, name + "-idx")) {
        assertThat(TopicReplayCommand.replay(name + "-idx", w, ReplayRange.scan(REKOR, "3", "12"), client, topics,
            store, out, new PrintWriter(err3, true))).as(err3.toString()).isZero();
      }
      Set<String> stored = new HashSet<>();
      for (StoredAlert a : store.replayResults(name + "-idx", null, 1000).items()) {
        stored.add(a.logId() + " " + a.logIndex() + " " + a.identity());
      }
      Set<String> idx = expected(true, true, REKOR, 3, 12);
      assertThat(idx).isNotEmpty();
      assertThat(stored).isEqualTo(idx);
      ReplayRun run = store.replay(name + "-idx").orElseThrow();
      assertThat(run.state()).isEqualTo(ReplayRun.State.DONE);
      assertThat(run.source()).isEqualTo("topics");
      assertThat(run.matches()).isEqualTo(idx.size());
      assertThat(store.alerts(new dev.sigwatch.alert.store.AlertQuery(null, null, null, null, null, null, null, null,
          null, null, 1000)).items()).as("nothing in the live alert table").isEmpty();
    }
  }

  @Test
  void badArgumentsForATopicReplayAreRefusedBeforeKafkaAndHelpExplainsTheSource() throws Exception {
    Path w = Files.writeString(dir.resolve("w.yaml"), WATCHLIST);
    StringWriter e1 = new StringWriter();
    assertThat(run(e1, "replay", "--source", "topics", "--name", "x", "--resume")).isEqualTo(2);
    assertThat(e1.toString()).contains("does not resume").doesNotContain("Exception");
    StringWriter e2 = new StringWriter();
    assertThat(run(e2, "replay", "--source", "topics", "--watchlist", w.toString(), "--from", "5")).isEqualTo(2);
    assertThat(e2.toString()).contains("needs --log");
    StringWriter e3 = new StringWriter();
    assertThat(run(e3, "replay", "--source", "topics", "--watchlist", w.toString(), "--from", "yesterday"))
        .isEqualTo(2);
    assertThat(e3.toString()).contains("from must be a log index");
    StringWriter out = new StringWriter();
    CommandLine cl = Sigwatch.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("replay", "--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("--source").contains("no consumer group")
        .contains("sigwatch.rekor.entries").contains("--source topics --watchlist");
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = Sigwatch.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  static RekorEntry rekor(IssuedCert c, long index, long ts) {
    byte[] digest = Certificates.sha256(("artifact " + index).getBytes(StandardCharsets.UTF_8));
    byte[] body = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_CERT, c.certificate(), null,
        V1Bodies.signDigest(c.subjectKey().getPrivate(), digest)).render(digest);
    return rekorBody(body, index, ts);
  }

  static RekorEntry rekorBody(byte[] body, long index, long ts) {
    return RekorEntry.newBuilder().setLogId(REKOR).setLogType(LogType.REKOR_V1).setLeafIndex(index).setLogIndex(index)
        .setUuid(String.format("%064x", index)).setIntegratedTime(ts / 1000).setBody(ByteBuffer.wrap(body))
        .setObservedAtMillis(ts).build();
  }

  static CtEntry ct(SimCa ca, IssuedCert c, long index, long ts) throws Exception {
    TimestampedEntry te = TimestampedEntry.precert(ts, PrecertTbs.issuerKeyHash(ca.intermediate().getPublicKey()),
        PrecertTbs.fromPrecertificate(c.precertificate()), new byte[0]);
    ExtraData extra = new ExtraData(c.precertificate().getEncoded(),
        List.of(ca.intermediate().getEncoded(), ca.root().getEncoded()));
    return CtEntry.newBuilder().setLogId(CT).setLogType(LogType.CT).setIndex(index)
        .setLeafInput(ByteBuffer.wrap(new MerkleTreeLeaf(te).encode())).setExtraData(ByteBuffer.wrap(extra.encode()))
        .setObservedAtMillis(ts).build();
  }

  private static Set<String> keys(List<Alert> alerts) {
    Set<String> out = new HashSet<>();
    for (Alert a : alerts) out.add(a.getLogId() + " " + a.getLogIndex() + " " + a.getIdentity());
    return out;
  }

  private static boolean topicExists(KafkaTestBroker broker, String topic) throws Exception {
    try (Admin admin = broker.admin()) {
      return admin.listTopics().names().get().contains(topic);
    }
  }

  private static List<Alert> readAll(KafkaTestBroker broker, String topic, Topics topics) {
    List<Alert> out = new ArrayList<>();
    try (KafkaConsumer<String, Alert> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringDeserializer(), topics.alerts().valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, Alert> r : c.poll(Duration.ofMillis(200))) out.add(r.value());
      }
    }
    return out;
  }
}
