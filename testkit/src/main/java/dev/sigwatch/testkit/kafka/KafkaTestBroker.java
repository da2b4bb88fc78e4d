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

  /**
   * A broker of the calling test's own, in {@code dir} (close it): for a test that must not share the module's broker
   * with the tests before it (their groups, transactions and topics), as when it runs alone.
   */
  public static KafkaTestBroker startOwn(java.nio.file.Path dir) {
    EmbeddedKafkaBroker b = EmbeddedKafkaBroker.create(dir, Map.of("auto.create.topics.enable", "true")).start();
    return new KafkaTestBroker(b.bootstrapServers(), b);
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

  public Map<String, Object> producerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
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
