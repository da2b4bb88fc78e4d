package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage survives unexpected exceptions: an injected failure is reported (log, thread-failure count, HEALTH
 * alert), the stream thread is replaced, a transient failure loses nothing, and a record that always fails is skipped
 * to the DLQ with a HEALTH alert instead of a crash loop.
 */
@ExtendWith(KafkaBrokerExtension.class)
class VerifyRecoveryIT {

  final KafkaTestBroker broker;
  final Topics topics;
  @TempDir Path stateDir;
  final List<Alert> alerts = new CopyOnWriteArrayList<>();
  final List<LogEvent> events = new CopyOnWriteArrayList<>();
  final List<RejectedRecord> rejected = new CopyOnWriteArrayList<>();

  VerifyRecoveryIT(KafkaTestBroker broker) {
    this.broker = broker;
    this.topics = Topics.create(SerdeConfig.embedded()).withPrefix(KafkaTestBroker.uniqueName("recovery") + ".");
  }

  @AfterEach
  void noFault() {
    CheckpointProcessor.injectedFault = c -> { };
  }

  @Test
  void anInjectedExceptionIsReportedTheThreadReplacedAndAPoisonRecordSkippedToTheDlq() throws Exception {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, topics.all());
    }
    TestLog log = TestLog.rekorV1("rekor.recovery", 77).grow(100);
    AtomicInteger transientFailures = new AtomicInteger();
    CheckpointProcessor.injectedFault = c -> {
      if (!c.getLogId().equals(log.logId)) return;
      if (c.getTreeSize() == 13) throw new IllegalStateException("injected: size 13 always fails");
      if (c.getTreeSize() == 7 && transientFailures.getAndIncrement() == 0) {
        throw new IllegalStateException("injected: size 7 fails once");
      }
    };
    VerifySettings settings = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(log.trustedRootEntry(
        "2020-01-01T00:00:00Z", null))), null, Duration.ofHours(1), null, KafkaTestBroker.uniqueName("verify-rec"));
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    // A replaced thread's new consumer waits for the dead one's session to expire (Streams does not leave the group on
    // close): the broker's minimum instead of the 45 s default, so four replacements take seconds, not minutes.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
    long t = System.currentTimeMillis();
    try (VerifyService verify = new VerifyService(settings, props, topics);
        KafkaProducer<String, Checkpoint> p = new KafkaProducer<>(broker.producerConfig(),
            topics.checkpoints().keySerde().serializer(), topics.checkpoints().valueSerde().serializer());
        KafkaConsumer<String, byte[]> out = new KafkaConsumer<>(broker.consumerConfig(
            KafkaTestBroker.uniqueName("rec-out")), new StringDeserializer(), new ByteArrayDeserializer())) {
      out.subscribe(List.of(topics.alerts().name(), topics.logEvents().name(), topics.dlq().name()));
      verify.start();
      for (Checkpoint c : List.of(log.checkpointWithProofFrom(5, 1, t), log.checkpointWithProofFrom(7, 5, t + 1),
          log.checkpointWithProofFrom(13, 7, t + 2), log.checkpointWithProofFrom(20, 7, t + 3))) {
        p.send(new ProducerRecord<>(topics.checkpoints().name(), c.getLogId(), c));
      }
      p.flush();
      // the injected exceptions are uncaught on stream threads by design: awaitility must not fail the test on them
      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(240)).untilAsserted(() -> {
        poll(out);
        assertThat(events).filteredOn(e -> e.getType().equals("CHECKPOINT_VERIFIED"))
            .extracting(LogEvent::getTreeSize).contains(5L, 7L, 20L);
        assertThat(rejected).anySatisfy(r -> assertThat(r.getReason().toString()).contains("poison"));
        assertThat(alerts).filteredOn(a -> a.getType().equals(Findings.HEALTH))
            .anySatisfy(a -> assertThat(a.getSummary()).contains("skipped to the DLQ"))
            .anySatisfy(a -> assertThat(a.getSummary()).contains("stream thread failed"));
      });
      // one transient failure of size 7 plus MAX_ATTEMPTS failures of size 13, each a replaced thread
      assertThat(verify.threadFailures()).isGreaterThanOrEqualTo(1 + GuardedProcessor.MAX_ATTEMPTS);
      assertThat(VerifyService.poisonRecordsSkipped()).isGreaterThanOrEqualTo(1);
      assertThat(verify.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
      assertThat(events).filteredOn(e -> e.getType().equals("CHECKPOINT_VERIFIED"))
          .extracting(LogEvent::getTreeSize).doesNotContain(13L);
      assertThat(alerts).filteredOn(a -> !a.getType().equals(Findings.HEALTH)).isEmpty();
    }
  }

  void poll(KafkaConsumer<String, byte[]> c) {
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
      if (r.topic().equals(topics.alerts().name())) {
        alerts.add(topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else if (r.topic().equals(topics.logEvents().name())) {
        events.add(topics.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else {
        rejected.add(topics.dlq().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }
}
