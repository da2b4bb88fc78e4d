package dev.sigwatch.ingest;

import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning with read_committed (no group) and keeps records whose key starts with a prefix. */
public final class TopicReader<V> implements AutoCloseable {
  private final KafkaConsumer<String, V> consumer;
  private final String keyPrefix;
  public final List<ConsumerRecord<String, V>> records = new ArrayList<>();

  public TopicReader(KafkaTestBroker broker, Topic<String, V> topic, String keyPrefix) {
    Map<String, Object> c = broker.consumerConfig("unused");
    c.remove("group.id");
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), topic.valueSerde().deserializer());
    // A topic created a moment ago may not be in the metadata yet (no partitions): ask until it is.
    List<TopicPartition> tps = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (tps.isEmpty()) {
      tps = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      if (tps.isEmpty()) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + topic.name() + " has no partitions");
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    this.keyPrefix = keyPrefix;
  }

  /** Polls once more; returns the matching records read so far. */
  public List<ConsumerRecord<String, V>> poll() {
    for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
      if (r.key() != null && r.key().startsWith(keyPrefix)) records.add(r);
    }
    return records;
  }

  public List<V> values() {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
