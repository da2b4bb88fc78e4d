package dev.sigwatch.alert.api;

import dev.sigwatch.schemas.WatchRule;
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
 * The runtime watchlist: the compacted {@code sigwatch.watchlist} topic (key = rule id, a null value removes the
 * rule) that the running matcher follows. Used by the {@code watchlist} command and the API. A write returns once
 * the broker has it, and {@link #current()} reads to the end offsets, so a read after a write sees it.
 * Thread-safe; each call opens its own client (the watchlist is small and edited rarely).
 */
public final class WatchlistTopic {
  private final Map<String, Object> clientProperties;
  private final Topic<String, WatchRule> topic;

  public WatchlistTopic(Map<String, Object> clientProperties, Topic<String, WatchRule> topic) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.topic = topic;
  }

  /** Writes {@code rule} under its id (replacing a rule with that id). */
  public void put(WatchRule rule) throws InterruptedException {
    send(rule.getRuleId(), rule);
  }

  /** Writes a tombstone for {@code ruleId}. */
  public void remove(String ruleId) throws InterruptedException {
    send(ruleId, null);
  }

  private void send(String key, WatchRule value) throws InterruptedException {
    try (KafkaProducer<String, WatchRule> p = new KafkaProducer<>(new HashMap<>(clientProperties),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      p.send(new ProducerRecord<>(topic.name(), key, value)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("writing rule " + key + " to " + topic.name() + ": " + e.getCause(),
          e.getCause());
    }
  }

  /** The current rules by id: the topic read from the beginning to its end offsets, tombstones applied. */
  public Map<String, WatchRule> current() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, WatchRule> rules = new TreeMap<>();
    try (KafkaConsumer<String, WatchRule> c = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
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
