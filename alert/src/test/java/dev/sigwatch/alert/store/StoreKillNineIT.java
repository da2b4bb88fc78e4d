package dev.sigwatch.alert.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.alert.store.jdbc.JdbcAlertStore;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.LogPositionMarker;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of the alert stage's store consumer (a separate JVM) mid-stream, twice, then a restart that finishes: every
 * alert and identity event stored exactly once, incident updates applied, and the stored offsets at the topics' ends.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StoreKillNineIT {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoreKillNineIT.class);
  static final int ALERTS = 2000;
  static final int IDENTITIES = 2000;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void killedTwiceMidStreamStoresEverythingExactlyOnce(StoreBackend db, KafkaTestBroker broker) throws Exception {
    String url = db.freshUrl(tmp);
    String prefix = "store-kill-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(prefix);
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
      // A partition just created may not have its leader yet; producing then fails with NotLeaderOrFollower.
      List<String> names = List.of(topics.alerts().name(), topics.identities().name(), topics.logEvents().name());
      await().atMost(Duration.ofSeconds(60)).until(() -> a.describeTopics(names).allTopicNames().get().values()
          .stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null)));
    }
    long t0 = System.nanoTime();
    produce(broker, topics);
    log.info("{}: produced in {} ms", db, (System.nanoTime() - t0) / 1_000_000);
    String group = "store-kill";
    int total = IDENTITIES;
    try (AlertStore reader = JdbcAlertStore.open(url, null, null, 2, Clock.systemUTC())) {
      for (int killAt : new int[] {400, 1200}) {
        Process p = child(broker, prefix, url, group, tmp.resolve("child-" + killAt + ".log"));
        try {
          await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
              .until(() -> stored(reader) >= killAt);
        } finally {
          p.destroyForcibly().waitFor();
        }
        assertThat(stored(reader)).as("killed mid-stream").isLessThan(total);
        log.info("{}: killed at {} after {} ms", db, stored(reader), (System.nanoTime() - t0) / 1_000_000);
      }
      Path lastLog = tmp.resolve("child-last.log");
      Process last = child(broker, prefix, url, group, lastLog);
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> reader.offsets(group).equals(endOffsets(broker, topics)));
      } finally {
        last.destroyForcibly().waitFor();
      }
      log.info("{}: finished after {} ms", db, (System.nanoTime() - t0) / 1_000_000);
      assertThat(Files.readString(lastLog)).containsPattern("resuming from [1-9]\\d* stored offset");

      Set<String> ids = new HashSet<>();
      AlertQuery q = AlertQuery.builder().limit(1000).build();
      Page<StoredAlert> page;
      int rows = 0;
      do {
        page = reader.alerts(q);
        for (StoredAlert s : page.items()) {
          ids.add(s.alertId());
          rows++;
        }
        q = q.after(page.nextCursor());
      } while (page.nextCursor() != null);
      assertThat(rows).isEqualTo(ALERTS);
      assertThat(ids).hasSize(ALERTS);
      assertThat(reader.countIdentities(IdentityScan.ALL)).isEqualTo(IDENTITIES);
      // Every fifth alert had its incident continue (observations 2) and every tenth resolved.
      assertThat(reader.alert("alert-5").orElseThrow().alert().observations()).isEqualTo(2);
      assertThat(reader.alert("alert-10").orElseThrow().alert().state()).isEqualTo(AlertState.RESOLVED);
      assertThat(reader.alert("alert-10").orElseThrow().history()).hasSize(2);
      assertThat(reader.alerts(AlertQuery.builder().states(Set.of(AlertState.RESOLVED)).limit(1000).build())
          .items()).hasSize(ALERTS / 10);
    }
  }

  /** Progress: identity events stored (they are interleaved with the alerts on the topics). */
  private static long stored(AlertStore s) {
    return s.countIdentities(IdentityScan.ALL);
  }

  /** Alerts and identity events interleaved, and for every fifth alert an INCIDENT_CONTINUES, every tenth resolved. */
  private static void produce(KafkaTestBroker broker, Topics topics) throws Exception {
    List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
    try (KafkaProducer<String, Alert> alerts = new KafkaProducer<>(broker.producerConfig(), new StringSerializer(),
        topics.alerts().valueSerde().serializer());
        KafkaProducer<String, IdentityEvent> ids = new KafkaProducer<>(broker.producerConfig(), new StringSerializer(),
            topics.identities().valueSerde().serializer());
        KafkaProducer<String, dev.sigwatch.schemas.LogEvent> events = new KafkaProducer<>(broker.producerConfig(),
            new StringSerializer(), topics.logEvents().valueSerde().serializer())) {
      for (int i = 1; i <= ALERTS; i++) {
        String id = "alert-" + i;
        sent.add(alerts.send(new ProducerRecord<>(topics.alerts().name(), id,
            Events.alert(id, "FORK", Severity.CRITICAL, Events.REKOR, (long) i, null, 1_000_000L + i))));
        sent.add(ids.send(new ProducerRecord<>(topics.identities().name(), "k" + i,
            Events.signed(Events.REKOR, i, "dev" + i + "@acme.com", Events.GITHUB, 1_700_000_000L + i))));
        if (i % 100 == 0) { // match's log-position markers for its join travel on identities too: never stored
          IdentityEvent marker = Events.signed(Events.REKOR, i, "marker@acme.com", Events.GITHUB, 1_700_000_000L + i);
          marker.setEntryKind(LogPositionMarker.KIND);
          marker.setLogIndex(1_000_000L + i); // an index of its own: stored, it would be counted
          for (int p = 0; p < topics.identities().partitions(); p++) {
            sent.add(ids.send(new ProducerRecord<>(topics.identities().name(), p, LogPositionMarker.KEY_PREFIX + Events.REKOR, marker)));
          }
        }
        if (i % 5 == 0) {
          Map<String, String> d = new HashMap<>(Map.of("alertId", id, "observations", "2", "incidentType", "FORK"));
          String type = i % 10 == 0 ? "INCIDENT_RESOLVED" : "INCIDENT_CONTINUES";
          sent.add(events.send(new ProducerRecord<>(topics.logEvents().name(), Events.REKOR,
              Events.event("INCIDENT_CONTINUES", Events.REKOR, 5L, null, 2_000_000L + i, d))));
          if (type.equals("INCIDENT_RESOLVED")) {
            sent.add(events.send(new ProducerRecord<>(topics.logEvents().name(), Events.REKOR,
                Events.event(type, Events.REKOR, 5L, null, 3_000_000L + i, Map.of("alertId", id, "reason", "quiet")))));
          }
        }
      }
    }
    for (java.util.concurrent.Future<?> f : sent) f.get(); // a record the broker refused fails the test here
  }

  private static Map<TopicPartition, Long> endOffsets(KafkaTestBroker broker, Topics topics) throws Exception {
    Map<TopicPartition, OffsetSpec> want = new HashMap<>();
    for (var t : List.of(topics.alerts(), topics.logEvents(), topics.identities())) {
      for (int p = 0; p < t.partitions(); p++) want.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    try (Admin a = broker.admin()) {
      a.listOffsets(want).all().get().forEach((tp, info) -> {
        if (info.offset() > 0) out.put(tp, info.offset());
      });
    }
    return out;
  }

  private static Process child(KafkaTestBroker broker, String prefix, String url, String group, Path log)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        StoreChildMain.class.getName(), broker.bootstrapServers(), prefix, url, group, "10"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
