package dev.sigwatch.schemas;

import static org.awaitility.Awaitility.await;

import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Test helper: produce to and read back from a real broker. */
public final class KafkaIO {

  private KafkaIO() {}

  /** Sends each value (key = its index) and waits for the acks. */
  public static <V> void produce(KafkaTestBroker broker, String topic, Serializer<V> values, List<V> records) throws Exception {
    Map<String, Object> config = broker.producerConfig();
    try (KafkaProducer<byte[], V> producer = new KafkaProducer<>(config, new ByteArraySerializer(), values)) {
      for (int i = 0; i < records.size(); i++) {
        producer.send(new ProducerRecord<>(topic, 0, Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8), records.get(i))).get();
      }
    }
  }

  /** Raw bytes, for records that are not valid Avro. */
  public static void produceRaw(KafkaTestBroker broker, String topic, List<byte[]> values) throws Exception {
    produce(broker, topic, new ByteArraySerializer(), values);
  }

  /** Reads from the start of {@code topic} until {@code count} records arrived (at most 60 s). */
  public static <K, V> List<ConsumerRecord<K, V>> consume(
      KafkaTestBroker broker, String topic, Deserializer<K> keys, Deserializer<V> values, int count) {
    Map<String, Object> config = broker.consumerConfig(KafkaTestBroker.uniqueName("it"));
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
      // Assigned, not subscribed: no group rebalance to wait for.
      await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.partitionsFor(topic).isEmpty());
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        return out.size() >= count;
      });
    }
    return out;
  }

  public static List<ConsumerRecord<byte[], byte[]>> consumeRaw(KafkaTestBroker broker, String topic, int count) {
    return consume(broker, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), count);
  }
}
