package dev.sigwatch.schemas.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One topic: its name with the serdes of its keys and values, and how it is created.
 *
 * @param name topic name (Kafka's legal characters, at most 249)
 * @param partitions partitions to create it with (&gt;= 1)
 * @param cleanupPolicy delete or compact
 * @param retention {@code retention.ms}; {@link #FOREVER} keeps records forever
 * @param extraConfigs further topic-level configs it is created with (e.g. {@code segment.ms} of a compacted topic)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
    CleanupPolicy cleanupPolicy, Duration retention, Map<String, String> extraConfigs) {

  /** Retention of {@code -1} ms: never delete by age. */
  public static final Duration FOREVER = Duration.ofMillis(-1);
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  public Topic {
    if (name == null || !LEGAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("topic name must match " + LEGAL_NAME + ", was " + name);
    }
    if (keySerde == null || valueSerde == null) throw new IllegalArgumentException(name + ": serdes must not be null");
    if (partitions < 1) throw new IllegalArgumentException(name + ": partitions must be >= 1, was " + partitions);
    if (cleanupPolicy == null) throw new IllegalArgumentException(name + ": cleanupPolicy must not be null");
    if (retention == null || (retention.isNegative() && !retention.equals(FOREVER)) || retention.isZero()) {
      throw new IllegalArgumentException(name + ": retention must be > 0 or FOREVER, was " + retention);
    }
    extraConfigs = Map.copyOf(extraConfigs);
  }

  /** A topic created with only its cleanup policy and retention. */
  public Topic(
      String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, CleanupPolicy cleanupPolicy, Duration retention) {
    this(name, keySerde, valueSerde, partitions, cleanupPolicy, retention, Map.of());
  }

  /** This topic, created with {@code configs} too. */
  public Topic<K, V> withConfigs(Map<String, String> configs) {
    Map<String, String> all = new java.util.HashMap<>(extraConfigs);
    all.putAll(configs);
    return new Topic<>(name, keySerde, valueSerde, partitions, cleanupPolicy, retention, all);
  }

  /** This topic with another partition count (the launcher's override for a bigger cluster). */
  public Topic<K, V> withPartitions(int n) {
    return new Topic<>(name, keySerde, valueSerde, n, cleanupPolicy, retention, extraConfigs);
  }

  /** The topic-level configs it is created with: {@code cleanup.policy}, {@code retention.ms} and the extra ones. */
  public Map<String, String> configs() {
    Map<String, String> all = new java.util.HashMap<>(extraConfigs);
    all.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.config());
    all.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    return Map.copyOf(all);
  }

  /** The admin request creating it with {@code replicationFactor} replicas. */
  public NewTopic newTopic(short replicationFactor) {
    if (replicationFactor < 1) throw new IllegalArgumentException("replicationFactor must be >= 1, was " + replicationFactor);
    return new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor)).configs(configs());
  }

  /** Kafka Streams source parameters with this topic's serdes. */
  public Consumed<K, V> consumed() {
    return Consumed.with(keySerde, valueSerde);
  }

  /** Kafka Streams sink parameters with this topic's serdes. */
  public Produced<K, V> produced() {
    return Produced.with(keySerde, valueSerde);
  }
}
