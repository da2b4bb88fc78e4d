package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.KafkaIO;
import dev.sigwatch.schemas.SampleRecords;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution through a real topic: release N writes Checkpoint v1 (the shipped schema); release N+1 ships
 * v1 and v2 (v2 = v1 + defaulted fields, a test resource) and reads with v2.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EvolutionIT {

  @Test
  void recordsWrittenWithVersionNAreReadWithVersionNPlusOne(KafkaTestBroker broker) throws Exception {
    String topic = KafkaTestBroker.uniqueName(Topics.CHECKPOINTS);
    Checkpoint written = (Checkpoint) SampleRecords.full().get(0);
    // Release N.
    KafkaIO.produce(broker, topic, Topics.create(SerdeConfig.embedded()).checkpoints().valueSerde().serializer(), List.of(written));

    // Release N+1: shipped history plus v2, reader schema v2.
    Schema v2 = EvolutionSchemas.checkpointV2();
    AvroSerdes next = AvroSerdes.create(SerdeConfig.embedded(), SchemaStore.shipped().with(v2));
    List<ConsumerRecord<byte[], GenericRecord>> read = KafkaIO.consume(broker, topic, new ByteArrayDeserializer(),
        next.<GenericRecord>deserializer(v2, GenericData.get()), 1);

    GenericRecord r = read.get(0).value();
    assertThat(r.getSchema()).isEqualTo(v2);
    assertThat(r.get("witnessCount")).isEqualTo(0);
    assertThat(r.get("note")).isNull();
    assertThat(r.get("treeSize")).isEqualTo(written.getTreeSize());
    assertThat(r.get("rawNote")).isEqualTo(written.getRawNote());
    assertThat(r.get("logType").toString()).isEqualTo(written.getLogType().name());
    assertThat(r.get("shardState").toString()).isEqualTo(written.getShardState().name());
    assertThat(((List<?>) r.get("activeShards")).stream().map(Object::toString).toList()).isEqualTo(written.getActiveShards());
  }
}
