package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The verify stage on a real broker: incidents detected exactly once, a 100,000-entry happy path across a restart. */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // topics are shared: the big happy path runs last
class VerifyServiceIT {

  static final Topics TOPICS = Topics.create(SerdeConfig.embedded());
  static final KeyPair REKOR_KEY = TestLog.generate("EC");
  static final String HOST = "rekor.it";
  static final long T = System.currentTimeMillis();

  final KafkaTestBroker broker;
  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  final List<RejectedRecord> rejected = new ArrayList<>();
  @TempDir Path stateDir;
  KafkaConsumer<String, byte[]> consumer;

  VerifyServiceIT(KafkaTestBroker broker) {
    this.broker = broker;
  }

  @BeforeAll
  static void topics(KafkaTestBroker broker) {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, TOPICS.all());
    }
  }

  @AfterEach
  void closeConsumer() {
    if (consumer != null) consumer.close();
  }

  VerifyService service(String appId) throws Exception {
    TestLog anyLog = TestLog.rekorV1(HOST, 1, REKOR_KEY);
    VerifySettings settings = new VerifySettings(
        TrustedRoot.parse(TestLog.trustedRoot(anyLog.trustedRootEntry("2020-01-01T00:00:00Z", null))),
        null, Duration.ofHours(1), null, appId);
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    VerifyService s = new VerifyService(settings, props, TOPICS);
    s.start();
    return s;
  }

  KafkaProducer<String, Object> producer() {
    Map<String, Object> c = broker.producerConfig();
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    @SuppressWarnings({"unchecked", "rawtypes"})
    KafkaProducer<String, Object> p = new KafkaProducer<>(c, TOPICS.checkpoints().keySerde().serializer(),
        (topic, v) -> v instanceof Checkpoint cp ? TOPICS.checkpoints().valueSerde().serializer().serialize(topic, cp)
            : ((org.apache.kafka.common.serialization.Serializer) TOPICS.rekorEntries().valueSerde().serializer())
                .serialize(topic, v));
    return p;
  }

  void send(KafkaProducer<String, Object> p, Checkpoint c) {
    p.send(new ProducerRecord<>(TOPICS.checkpoints().name(), c.getLogId(), c));
  }

  void send(KafkaProducer<String, Object> p, TestLog log, long from, long to) {
    for (long i = from; i < to; i++) {
      RekorEntry e = log.entry(i, 0);
      p.send(new ProducerRecord<>(TOPICS.rekorEntries().name(), log.logId, e));
    }
  }

  /** Reads what the stage committed to its output topics (read_committed). */
  void poll() {
    if (consumer == null) {
      consumer = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("it")), new StringDeserializer(),
          new ByteArrayDeserializer());
      consumer.subscribe(List.of(TOPICS.alerts().name(), TOPICS.logEvents().name(), TOPICS.dlq().name()));
    }
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      if (r.topic().equals(TOPICS.alerts().name())) {
        alerts.add(TOPICS.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else if (r.topic().equals(TOPICS.logEvents().name())) {
        events.add(TOPICS.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else {
        rejected.add(TOPICS.dlq().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }

  List<Long> audited(String logId) {
    return events.stream().filter(e -> e.getLogId().equals(logId) && e.getType().equals("AUDITED"))
        .map(LogEvent::getTreeSize).toList();
  }

  List<String> alertTypes(String logId) {
    return alerts.stream().filter(a -> logId.equals(a.getLogId())).map(Alert::getType).toList();
  }

  @Test
  @Order(2)
  void happyPathOf100000EntriesAcrossARestartRaisesNoAlert() throws Exception {
    TestLog log = TestLog.rekorV1(HOST, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), REKOR_KEY).grow(100_000);
    String appId = KafkaTestBroker.uniqueName("verify-happy");
    try (KafkaProducer<String, Object> p = producer()) {
      try (VerifyService s = service(appId)) {
        send(p, log.checkpoint(20_000, T + 1));
        send(p, log, 0, 50_000);
        send(p, log.checkpoint(40_000, T + 2));
        send(p, log.checkpoint(60_000, T + 3));
        p.flush();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
          poll();
          assertThat(audited(log.logId)).contains(20_000L, 40_000L);
        });
      }
      // Restart from the same state dir and application id: the audit resumes where it stopped.
      try (VerifyService s = service(appId)) {
        send(p, log, 50_000, 100_000);
        send(p, log.checkpoint(80_000, T + 4));
        send(p, log.checkpoint(100_000, T + 5));
        p.flush();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
          poll();
          assertThat(audited(log.logId)).contains(100_000L);
        });
      }
    }
    assertThat(audited(log.logId)).containsExactly(20_000L, 40_000L, 60_000L, 80_000L, 100_000L);
    assertThat(alertTypes(log.logId)).isEmpty();
  }

  @Test
  @Order(1)
  void eachIncidentIsDetectedExactlyOnceWithItsEvidence() throws Exception {
    TestLog honest = TestLog.rekorV1(HOST, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), REKOR_KEY).grow(1000);
    TestLog evil = TestLog.rekorV1(HOST, Long.parseLong(honest.logId.substring(HOST.length() + 3)), REKOR_KEY)
        .grow(50).grow(950, "evil");
    TestLog audited = TestLog.rekorV1(HOST, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), REKOR_KEY).grow(1000);
    Checkpoint first = honest.checkpoint(100, T + 1);
    try (KafkaProducer<String, Object> p = producer(); VerifyService s = service(KafkaTestBroker.uniqueName("verify-inc"))) {
      send(p, first);
      Checkpoint split = evil.checkpoint(100, T + 2);
      send(p, split);
      send(p, split); // a replay of the same fact: no second alert
      // a fork after the split view's quiet period: a new incident (during it, one more view of the same one)
      send(p, evil.checkpointWithProofFrom(300, 100, T + 3 + Duration.ofMinutes(11).toMillis()));
      String text = honest.body(200, honest.tree.root(200));
      Checkpoint forged = Checkpoint.newBuilder(honest.checkpoint(200, T + 4)).setRawNote(ByteBuffer.wrap(
          (text + "\n" + honest.signatureLine(text, TestLog.generate("EC"))).getBytes(StandardCharsets.UTF_8))).build();
      send(p, forged);
      // The full audit on another log: entry 500 served with another body.
      send(p, audited.checkpoint(100, T + 5));
      send(p, audited, 0, 500);
      p.send(new ProducerRecord<>(TOPICS.rekorEntries().name(), audited.logId,
          audited.entry(500, "tampered".getBytes(StandardCharsets.UTF_8), null, 0)));
      send(p, audited, 501, 1000);
      send(p, audited.checkpoint(1000, T + 6));
      p.flush();
      try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(broker.producerConfig(), new ByteArraySerializer(),
          new ByteArraySerializer())) {
        raw.send(new ProducerRecord<>(TOPICS.checkpoints().name(), new byte[] {'x'}, new byte[] {1, 2, 3})).get();
      }
      send(p, honest.checkpointWithProofFrom(400, 100, T + 7)); // sentinel: processed after everything above
      p.flush();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        poll();
        assertThat(events).anyMatch(e -> e.getLogId().equals(honest.logId) && e.getTreeSize() == 400L);
        assertThat(alertTypes(audited.logId)).contains(Findings.TAMPERED_ENTRIES);
        assertThat(rejected).anyMatch(r -> r.getSource().equals(VerifyService.DLQ_SOURCE));
      });
      poll();
    }
    assertThat(alertTypes(honest.logId)).containsExactlyInAnyOrder(Findings.SPLIT_VIEW, Findings.FORK, Findings.BAD_SIGNATURE);
    assertThat(alertTypes(audited.logId)).containsExactly(Findings.TAMPERED_ENTRIES);
    Alert tampered = alerts.stream()
        .filter(a -> a.getType().equals(Findings.TAMPERED_ENTRIES) && audited.logId.equals(a.getLogId())).findFirst().orElseThrow();
    assertThat(tampered.getEvidence()).containsEntry("rangeStart", "100").containsEntry("rangeEnd", "1000");
    Alert splitView = alerts.stream()
        .filter(a -> a.getType().equals(Findings.SPLIT_VIEW) && honest.logId.equals(a.getLogId())).findFirst().orElseThrow();
    assertThat(splitView.getEvidence().get("previousCheckpoint")).isEqualTo(new String(first.getRawNote().array(), StandardCharsets.UTF_8));
    // (other ITs in this JVM share the DLQ topic: ingest's own reports are not this test's)
    assertThat(rejected).filteredOn(r -> !r.getSource().toString().startsWith("ingest:")).isNotEmpty()
        .allMatch(r -> r.getSource().equals(VerifyService.DLQ_SOURCE));
  }
}
