package dev.sigwatch.schemas.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.KafkaIO;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.SampleRecords;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A small Kafka Streams stage reading checkpoints with {@link DlqDeserializationExceptionHandler}: undecodable
 * records (garbage, unknown fingerprint, truncated) land on the DLQ with their reason and exact bytes, and the
 * valid records around them are still processed, in order.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DlqIT {

  @Test
  void undecodableRecordsGoToTheDlqAndTheStageKeepsRunning(KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded());
    String input = KafkaTestBroker.uniqueName(Topics.CHECKPOINTS);
    String output = KafkaTestBroker.uniqueName("tree-sizes");
    String appId = KafkaTestBroker.uniqueName("dlq-it");
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, List.of(topics.dlq(), topics.alerts(), topics.checkpoints().withPartitions(1)));
    }

    Checkpoint base = (Checkpoint) SampleRecords.full().get(0);
    List<byte[]> valid = new ArrayList<>();
    for (long size = 1; size <= 4; size++) {
      valid.add(topics.checkpoints().valueSerde().serializer().serialize(input, Checkpoint.newBuilder(base).setTreeSize(size).build()));
    }
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    byte[] unknownFingerprint = valid.get(0).clone();
    unknownFingerprint[5] ^= 0x01;
    byte[] truncated = Arrays.copyOf(valid.get(0), valid.get(0).length - 7);
    // offsets:        0             1        2              3                   4              5          6
    KafkaIO.produceRaw(broker, input, List.of(valid.get(0), garbage, valid.get(1), unknownFingerprint, valid.get(2), truncated, valid.get(3)));

    // The stage: checkpoints -> tree size.
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, topics.checkpoints().consumed())
        .mapValues(Checkpoint::getTreeSize)
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("dlq-it").toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.putAll(DlqDeserializationExceptionHandler.settings("dlq-it-stage", SerdeConfig.embedded()));
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      List<ConsumerRecord<String, Long>> sizes = KafkaIO.consume(broker, output,
          Serdes.String().deserializer(), Serdes.Long().deserializer(), 4);
      assertThat(sizes).extracting(ConsumerRecord::value).containsExactly(1L, 2L, 3L, 4L);

      List<RejectedRecord> rejected = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        rejected.clear();
        KafkaIO.consume(broker, Topics.DLQ, Serdes.String().deserializer(), topics.dlq().valueSerde().deserializer(), 1)
            .stream().map(ConsumerRecord::value).filter(r -> input.equals(r.getTopic())).forEach(rejected::add);
        return rejected.size() >= 3;
      });
      assertThat(rejected).extracting(RejectedRecord::getOffset).containsExactly(1L, 3L, 5L);
      assertThat(rejected).allSatisfy(r -> {
        assertThat(r.getSource()).isEqualTo("dlq-it-stage");
        assertThat(r.getPartition()).isEqualTo(0);
      });
      assertThat(rejected.get(0).getReason()).contains("unknown magic byte 0x7b");
      assertThat(rejected.get(1).getReason()).contains("unknown schema fingerprint");
      assertThat(rejected.get(2).getReason()).contains("truncated body");
      assertThat(rejected).extracting(RejectedRecord::getValue)
          .containsExactly(ByteBuffer.wrap(garbage), ByteBuffer.wrap(unknownFingerprint), ByteBuffer.wrap(truncated));
      assertThat(rejected.get(0).getKey()).isEqualTo(ByteBuffer.wrap("1".getBytes(StandardCharsets.UTF_8)));
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);

      // Version skew is not silent: one SCHEMA_SKEW alert naming the stage, topic and fingerprint, and a count.
      List<dev.sigwatch.schemas.Alert> skew = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        skew.clear();
        KafkaIO.consume(broker, Topics.ALERTS, Serdes.String().deserializer(), topics.alerts().valueSerde().deserializer(), 1)
            .stream().map(ConsumerRecord::value).filter(a -> input.equals(a.getEvidence().get("topic"))).forEach(skew::add);
        return !skew.isEmpty();
      });
      assertThat(skew).singleElement().satisfies(a -> {
        assertThat(a.getType()).isEqualTo(DlqDeserializationExceptionHandler.SCHEMA_SKEW);
        assertThat(a.getEvidence()).containsEntry("stage", "dlq-it-stage").containsEntry("offset", "3")
            .containsEntry("fingerprint", String.format(java.util.Locale.ROOT, "%016x",
                ByteBuffer.wrap(unknownFingerprint, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()));
      });
      assertThat(DlqDeserializationExceptionHandler.unknownSchemaRecords("dlq-it-stage")).isEqualTo(1);
    }
  }
}
