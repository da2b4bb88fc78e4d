package dev.sigwatch.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads committed ingest state back from the topics (read_committed, no consumer group): the latest record of a key
 * in a compacted topic (ingest's position record), found by scanning the key's partition backwards from the end; and,
 * for the one-time migration from versions without position records, every checkpoint of a log and the index after
 * the last entry it committed. Only committed transactions are visible, so what it reads always agrees with the
 * entries. Not thread-safe; one per call.
 */
final class PositionReader implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PositionReader.class);
  private static final int CHUNK = 4096;
  /** The first backward step of {@link #latest}: the latest record of an active ingest is among the last few. */
  private static final int FIRST_CHUNK = 64;
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration GIVE_UP = Duration.ofSeconds(60);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private long recordsRead;

  PositionReader(Map<String, Object> clientProperties) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.keySet().removeIf(k -> k.startsWith("transactional") || k.startsWith("acks") || k.startsWith("linger"));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Records read so far (for the start-up log line and tests: a restart should read about one per ingest). */
  long recordsRead() {
    return recordsRead;
  }

  /**
   * Hands every decodable committed record of a topic to {@code each}, in order per partition, without keeping any:
   * memory stays flat however long the topic.
   */
  <V> void forEach(String topic, Deserializer<V> values, java.util.function.Consumer<V> each) {
    for (TopicPartition tp : partitions(topic)) {
      scan(tp, beginning(tp), end(tp), r -> {
        V v = decode(values, r);
        if (v != null) each.accept(v);
        return false;
      });
    }
  }

  /**
   * The value of the last committed record under {@code key} (by offset), searching its partition backwards from the
   * end in growing steps; empty if the key has no decodable record or its last record is a tombstone (deleted). On
   * a compacted topic whose keys are written often this reads a few records, however long the history.
   */
  <V> java.util.Optional<V> latest(String topic, String key, Deserializer<V> values) {
    TopicPartition tp = new TopicPartition(topic, partition(key, partitions(topic).size()));
    long begin = beginning(tp);
    long hi = end(tp);
    int chunk = FIRST_CHUNK;
    while (hi > begin) {
      long lo = Math.max(begin, hi - chunk);
      List<V> found = new ArrayList<>(1);
      boolean[] seen = {false};
      scan(tp, lo, hi, r -> {
        if (key.equals(key(r))) {
          V v = r.value() == null ? null : decode(values, r);
          if (v != null || r.value() == null) {
            seen[0] = true;
            found.clear();
            if (v != null) found.add(v);
          }
        }
        return false;
      });
      if (seen[0]) return found.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(found.get(0));
      hi = lo;
      chunk = Math.min(CHUNK, chunk * 4);
    }
    return java.util.Optional.empty();
  }

  /**
   * The greatest value {@code indexOf} gives for the last record (by offset) under one of {@code keys} for which it is
   * not null, searching each key's partition backwards; empty if none.
   */
  <V> OptionalLong lastIndex(String topic, Set<String> keys, Deserializer<V> values, BiFunction<String, V, Long> indexOf) {
    int partitions = partitions(topic).size();
    Map<Integer, List<String>> byPartition = new HashMap<>();
    for (String k : keys) byPartition.computeIfAbsent(partition(k, partitions), p -> new ArrayList<>()).add(k);
    OptionalLong best = OptionalLong.empty();
    for (var e : byPartition.entrySet()) {
      TopicPartition tp = new TopicPartition(topic, e.getKey());
      long begin = beginning(tp);
      long hi = end(tp);
      Long found = null;
      while (found == null && hi > begin) {
        long lo = Math.max(begin, hi - CHUNK);
        long[] last = {-1};
        scan(tp, lo, hi, r -> {
          String k = key(r);
          if (k != null && e.getValue().contains(k)) {
            V v = decode(values, r);
            Long idx = v == null ? null : indexOf.apply(k, v);
            if (idx != null) last[0] = Math.max(last[0], idx);
          }
          return false;
        });
        if (last[0] >= 0) found = last[0];
        hi = lo;
      }
      if (found != null && (best.isEmpty() || found > best.getAsLong())) best = OptionalLong.of(found);
    }
    return best;
  }

  /**
   * The record's value, or null (with a warning) when it cannot be decoded: anything with write access to a topic
   * can put a record there, and one undecodable record must not keep ingest from starting. Ingest only ever writes
   * records it encoded, so skipping foreign ones never moves a log's position.
   */
  private static <V> V decode(Deserializer<V> values, ConsumerRecord<byte[], byte[]> r) {
    try {
      return values.deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      log.warn("skipping the undecodable record at {}-{}@{} (key {}): {}", r.topic(), r.partition(), r.offset(),
          key(r), e.toString());
      return null;
    }
  }

  private interface Visitor {
    boolean visit(ConsumerRecord<byte[], byte[]> r);
  }

  private void scan(TopicPartition tp, long from, long to, Visitor v) {
    if (from >= to) return;
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    // The deadline is for progress, not for the whole read: a long history takes as long as it takes.
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (consumer.position(tp) < to) {
      List<ConsumerRecord<byte[], byte[]>> got = consumer.poll(POLL).records(tp);
      if (!got.isEmpty()) deadline = System.nanoTime() + GIVE_UP.toNanos();
      for (ConsumerRecord<byte[], byte[]> r : got) {
        if (r.offset() >= to) return;
        recordsRead++;
        if (v.visit(r)) return;
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaException("reading " + tp + " up to offset " + to + ": no progress for " + GIVE_UP.toSeconds()
            + " s at offset " + consumer.position(tp));
      }
    }
  }

  private List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic, GIVE_UP).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private long beginning(TopicPartition tp) {
    return consumer.beginningOffsets(List.of(tp), GIVE_UP).get(tp);
  }

  /** With read_committed: the last stable offset, below any open transaction. */
  private long end(TopicPartition tp) {
    return consumer.endOffsets(List.of(tp), GIVE_UP).get(tp);
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  /** The producer's default partition of a String key (murmur2, as Kafka's built-in partitioner). */
  static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
