package dev.sigwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.KafkaIO;
import dev.sigwatch.schemas.SampleRecords;
import dev.sigwatch.schemas.serde.AvroSerde;
import dev.sigwatch.schemas.serde.AvroSerdes;
import dev.sigwatch.schemas.serde.EvolutionSchemas;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Confluent wire format against a real registry (Apicurio 3.3.3's ccompat API in CI, started by
 * {@code .ci/start-registry.sh}) and a real broker. Skipped only when SIGWATCH_REGISTRY_URL is unset.
 */
@ExtendWith(KafkaBrokerExtension.class)
@EnabledIfEnvironmentVariable(named = SerdeConfig.REGISTRY_URL_ENV, matches = ".*\\S.*",
    disabledReason = "SIGWATCH_REGISTRY_URL is unset: start a registry with `eval \"$(.ci/start-registry.sh)\"` to run RegistryIT")
class RegistryIT {

  private static URI url;

  @BeforeAll
  static void registry() {
    url = URI.create(System.getenv(SerdeConfig.REGISTRY_URL_ENV).trim());
  }

  @Test
  void everyRecordTypeRoundTripsInBothEncodingsOnOneTopic(KafkaTestBroker broker) throws Exception {
    Topics registryTopics = Topics.create(SerdeConfig.registry(url));
    Topics embeddedTopics = Topics.create(SerdeConfig.embedded());
    List<SpecificRecord> samples = SampleRecords.full();
    for (int i = 0; i < samples.size(); i++) {
      SpecificRecord sample = samples.get(i);
      String topic = KafkaTestBroker.uniqueName("registry-it");
      @SuppressWarnings("unchecked")
      AvroSerde<SpecificRecord> viaRegistry = (AvroSerde<SpecificRecord>) registryTopics.all().get(i).valueSerde();
      @SuppressWarnings("unchecked")
      AvroSerde<SpecificRecord> embedded = (AvroSerde<SpecificRecord>) embeddedTopics.all().get(i).valueSerde();
      assertThat(viaRegistry.type()).isEqualTo(sample.getClass());
      byte[] confluent = viaRegistry.serializer().serialize(topic, sample);
      byte[] singleObject = embedded.serializer().serialize(topic, sample);
      KafkaIO.produce(broker, topic, new ByteArraySerializer(), List.of(confluent, singleObject));

      // A reader with fresh caches (another process) fetches the writer schema by id from the registry.
      AvroSerde<SpecificRecord> reader = (AvroSerde<SpecificRecord>) AvroSerdes.create(SerdeConfig.registry(url))
          .valueSerde(viaRegistry.type());
      List<ConsumerRecord<byte[], SpecificRecord>> read = KafkaIO.consume(broker, topic, new ByteArrayDeserializer(),
          reader.deserializer(), 2);
      assertThat(read).extracting(ConsumerRecord::value).as(sample.getSchema().getName()).containsExactly(sample, sample);

      // On the wire: magic 0 + the id the registry gave for subject <topic>-value, which maps back to the schema.
      assertThat(confluent[0]).isEqualTo((byte) 0);
      int id = ByteBuffer.wrap(confluent, 1, 4).getInt();
      SchemaRegistryClient fresh = new SchemaRegistryClient(url, SerdeConfig.DEFAULT_TIMEOUT);
      assertThat(fresh.schemaById(id)).isEqualTo(sample.getSchema());
      assertThat(fresh.register(topic + "-value", sample.getSchema())).isEqualTo(id); // idempotent in the registry
    }
  }

  @Test
  void schemasEvolveThroughTheRegistryBothWays(KafkaTestBroker broker) throws Exception {
    String topic = KafkaTestBroker.uniqueName("registry-evolution");
    Schema v2 = EvolutionSchemas.checkpointV2();
    Checkpoint v1Record = (Checkpoint) SampleRecords.full().get(0);
    AvroSerdes serdes = AvroSerdes.create(SerdeConfig.registry(url));

    // A newer writer (v2, with the new fields set) and this release's writer (v1) on one topic.
    GenericRecord v2Record = new GenericData.Record(v2);
    for (Schema.Field f : Checkpoint.getClassSchema().getFields()) {
      Object value = v1Record.get(f.name());
      v2Record.put(f.name(), value instanceof Enum<?> e ? new GenericData.EnumSymbol(v2.getField(f.name()).schema(), e.name()) : value);
    }
    v2Record.put("witnessCount", 2);
    v2Record.put("note", "cosigned");
    List<byte[]> values = new ArrayList<>();
    values.add(serdes.<GenericRecord>serializer(v2, GenericData.get(), false).serialize(topic, v2Record));
    values.add(serdes.valueSerde(Checkpoint.class).serializer().serialize(topic, v1Record));
    KafkaIO.produce(broker, topic, new ByteArraySerializer(), values);

    // This release (reader v1) reads both: the v2 fields are skipped.
    AvroSerde<Checkpoint> current = AvroSerdes.create(SerdeConfig.registry(url)).valueSerde(Checkpoint.class);
    assertThat(KafkaIO.consume(broker, topic, new ByteArrayDeserializer(), current.deserializer(), 2))
        .extracting(ConsumerRecord::value).containsExactly(v1Record, v1Record);

    // The next release (reader v2) reads both: the v1 record gets the defaults.
    List<ConsumerRecord<byte[], GenericRecord>> next = KafkaIO.consume(broker, topic, new ByteArrayDeserializer(),
        AvroSerdes.create(SerdeConfig.registry(url)).<GenericRecord>deserializer(v2, GenericData.get()), 2);
    assertThat(next.get(0).value().get("witnessCount")).isEqualTo(2);
    assertThat(next.get(0).value().get("note").toString()).isEqualTo("cosigned");
    assertThat(next.get(1).value().get("witnessCount")).isEqualTo(0);
    assertThat(next.get(1).value().get("note")).isNull();
    assertThat(next.get(1).value().get("treeSize")).isEqualTo(v1Record.getTreeSize());
  }

  @Test
  void unknownSchemaIdIsAClearError() {
    SchemaRegistryClient client = new SchemaRegistryClient(url, SerdeConfig.DEFAULT_TIMEOUT);
    assertThatThrownBy(() -> client.schemaById(Integer.MAX_VALUE))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("fetching schema id 2147483647 at " + url + "/schemas/ids/2147483647: HTTP 404")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(404));
  }
}
