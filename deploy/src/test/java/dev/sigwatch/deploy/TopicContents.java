package dev.sigwatch.deploy;

import dev.sigwatch.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Test helper: what a topic holds now, as committed (read_committed), from the beginning to the current end. */
public final class TopicContents {
  private TopicContents() {}

  /** Every committed non-null value of {@code topic}, read with {@code clientProperties} (bootstrap, security). */
  public static <V> List<V> readAll(Map<String, Object> clientProperties, Topic<String, V> topic) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put("isolation.level", "read_committed");
    List<V> got = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic.name()).stream()
          .map(i -> new TopicPartition(topic.name(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null) got.add(r.value());
        });
      }
    }
    return got;
  }
}
