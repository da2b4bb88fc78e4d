package dev.sigwatch.testkit.kafka;

import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** A broker handed to tests by {@link KafkaBrokerExtension}: the embedded one or an external cluster. */
public final class KafkaTestBroker implements AutoCloseable {
  private final String bootstrapServers;
  private final EmbeddedKafkaBroker embedded;

  KafkaTestBroker(String bootstrapServers, EmbeddedKafkaBroker embedded) {
    this.bootstrapServers = bootstrapServers;
    this.embedded = embedded;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** A name unique to this call, for topics, groups and application ids: {@code prefix-<random>}. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public Admin admin() {
    return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * Settings of a test's producer: acks=all and <b>one request in flight</b>. Tests write to topics they created a
   * moment before, and Kafka (to 4.4, KAFKA-15591) can silently drop the first request an idempotent producer
   * pipelines into a just-created partition: it fails with NOT_LEADER_OR_FOLLOWER because the broker has not applied
   * the partition yet (the metadata already names its leader), the next request is appended (the broker accepts any
   * first sequence from a producer it has no state for), and every retry of the first then fails with
   * OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} (2 min) expires it. {@code flush()} returns
   * normally; only the send's future says so. With one request in flight the second waits for the first.
   * {@code SinkKillNineIT} lost a partition's first 17 alerts this way on the module's shared broker (DEVELOPERS.md).
   */
  public Map<String, Object> producerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return c;
  }

  public Map<String, Object> consumerConfig(String groupId) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
