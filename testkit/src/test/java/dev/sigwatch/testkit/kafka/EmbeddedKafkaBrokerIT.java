package dev.sigwatch.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @Test
  void restartWithTheSameDirectoryKeepsTopicsRecordsAndOffsets(@TempDir Path dir) throws Exception {
    String topic = "restart-topic";
    String address;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Map.of()).start()) {
      address = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", address),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
        }
      }
      try (var consumer = consumer(address)) {
        consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)));
      }
    }

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir, Map.of()).start()) {
      assertThat(broker.bootstrapServers()).isEqualTo(address);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      }
      try (var consumer = consumer(address)) {
        consumer.subscribe(Set.of(topic));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        assertThat(records.iterator().next().value()).isEqualTo("v4");
        assertThat(records.count()).isEqualTo(6);
      }
    }
  }

  private static KafkaConsumer<String, String> consumer(String address) {
    return new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", address, "group.id", "g1",
        "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
        new StringDeserializer(), new StringDeserializer());
  }
}
