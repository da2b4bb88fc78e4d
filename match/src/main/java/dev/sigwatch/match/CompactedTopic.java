package dev.sigwatch.match;

import dev.sigwatch.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A small compacted state topic edited at runtime (the watchlist, the authorizations): key = id, a null value removes
 * it. A write returns once the broker has it, and {@link #current()} reads to the end offsets, so a read after a
 * write sees it. Thread-safe; each call opens its own client (such topics are small and edited rarely).
 */
public final class CompactedTopic<V> {
  private final Map<String, Object> clientProperties;
  private final Topic<String, V> topic;

  public CompactedTopic(Map<String, Object> clientProperties, Topic<String, V> topic) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.topic = topic;
  }

  /** The topic's name. */
  public String name() {
    return topic.name();
  }

  /** Writes {@code value} under {@code key}, or a tombstone for it when {@code value} is null. */
  public void send(String key, V value) throws InterruptedException {
    try (KafkaProducer<String, V> p = new KafkaProducer<>(new HashMap<>(clientProperties),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      p.send(new ProducerRecord<>(topic.name(), key, value)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("writing " + key + " to " + topic.name() + ": " + e.getCause(),
          e.getCause());
    }
  }

  /** The current values by key: the topic read from the beginning to its end offsets, tombstones applied. */
  public Map<String, V> current() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, V> rules = new TreeMap<>();
    try (KafkaConsumer<String, V> c = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        c.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() == null) {
            rules.remove(r.key());
          } else {
            rules.put(r.key(), r.value());
          }
        });
      }
    }
    return rules;
  }
}
