package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.schemas.KafkaIO;
import dev.sigwatch.schemas.SampleRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.sigwatch.schemas.topics.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every record type, single-object encoded, through a real topic on the embedded broker (registry: RegistryIT). */
@ExtendWith(KafkaBrokerExtension.class)
class SerdeRoundTripIT {

  private final Topics topics = Topics.create(SerdeConfig.embedded());

  @Test
  void everyRecordTypeRoundTripsThroughARealTopic(KafkaTestBroker broker) throws Exception {
    // One test topic per catalogue topic (same serdes, unique name), created up front in one admin call.
    Map<String, Topic<String, ?>> byType = new HashMap<>();
    for (Topic<String, ?> t : topics.all()) {
      byType.put(((AvroSerde<?>) t.valueSerde()).type().getName(),
          new Topic<>(KafkaTestBroker.uniqueName(t.name()), t.keySerde(), t.valueSerde(), 1, t.cleanupPolicy(), t.retention()));
    }
    try (Admin admin = broker.admin()) {
      assertThat(TopicAdmin.ensureTopics(admin, byType.values())).hasSize(topics.all().size());
      assertThat(TopicAdmin.ensureTopics(admin, byType.values())).isEmpty(); // idempotent
    }
    List<SpecificRecord> full = SampleRecords.full();
    List<SpecificRecord> minimal = SampleRecords.minimal();
    for (int i = 0; i < full.size(); i++) {
      roundTrip(broker, byType.get(full.get(i).getClass().getName()), List.of(full.get(i), minimal.get(i)));
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> void roundTrip(KafkaTestBroker broker, Topic<String, V> topic, List<SpecificRecord> samples) throws Exception {
    List<V> values = (List<V>) samples;
    KafkaIO.produce(broker, topic.name(), topic.valueSerde().serializer(), values);
    List<ConsumerRecord<byte[], V>> read = KafkaIO.consume(broker, topic.name(), new ByteArrayDeserializer(),
        topic.valueSerde().deserializer(), values.size());
    assertThat(read).extracting(ConsumerRecord::value).as(topic.name()).containsExactlyElementsOf(values);
    // On the wire: C3 01 + fingerprint of the class schema, as read back raw from the broker.
    byte[] raw = KafkaIO.consumeRaw(broker, topic.name(), 1).get(0).value();
    assertThat(Arrays.copyOf(raw, 10)).isEqualTo(WireFormat.singleObjectHeader(SchemaStore.fingerprint(samples.get(0).getSchema())));
  }
}
