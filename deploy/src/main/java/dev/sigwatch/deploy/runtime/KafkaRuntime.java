package dev.sigwatch.deploy.runtime;

import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a running sigwatch: the embedded broker (when no bootstrap servers are configured) or an
 * external cluster, the topic catalogue with its serdes, and the topics created idempotently at startup.
 *
 * <p>Close it last, after every stage has stopped: it stops the embedded broker.
 */
public final class KafkaRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaRuntime.class);

  private final EmbeddedKafkaBroker embedded;
  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final SerdeConfig serdeConfig;

  private KafkaRuntime(EmbeddedKafkaBroker embedded, String bootstrapServers, Map<String, Object> clientProperties,
                       SerdeConfig serdeConfig) {
    this.embedded = embedded;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = Map.copyOf(clientProperties);
    this.serdeConfig = serdeConfig;
    this.topics = Topics.create(serdeConfig);
  }

  /** Starts the embedded broker if needed, then creates every catalogue topic that is missing. */
  public static KafkaRuntime start(SigwatchConfig config) throws Exception {
    EmbeddedKafkaBroker embedded = null;
    String bootstrap = config.kafka().bootstrapServers();
    if (config.embeddedKafka()) {
      log.info("no kafka.bootstrapServers configured: starting the embedded broker in {}", config.embeddedKafkaDir());
      embedded = EmbeddedKafkaBroker.create(config.embeddedKafkaDir(), EmbeddedKafkaBroker.Security.SASL_SCRAM,
          Map.of()).start();
      bootstrap = embedded.bootstrapServers();
    } else {
      log.info("using the Kafka cluster at {}", bootstrap);
    }
    Map<String, Object> props = new HashMap<>(config.kafka().properties());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (embedded != null) {
      // The embedded broker's SASL settings and generated credentials, for every client of this process.
      props.putAll(embedded.clientProperties());
    }
    SerdeConfig serde = config.kafka().schemaRegistryUrl() == null ? SerdeConfig.embedded()
        : SerdeConfig.registry(URI.create(config.kafka().schemaRegistryUrl()));
    KafkaRuntime runtime = new KafkaRuntime(embedded, bootstrap, props, serde);
    try (Admin admin = Admin.create(props)) {
      short replication = config.embeddedKafka() ? 1 : config.kafka().replicationFactor();
      var created = TopicAdmin.ensureTopics(admin, runtime.topics.all(), replication, TopicAdmin.DEFAULT_TIMEOUT);
      log.info("topics ready: {} created, {} already present", created.size(), runtime.topics.all().size() - created.size());
    } catch (Exception e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client properties common to every producer, consumer, admin and Streams app (bootstrap, security). */
  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  public Topics topics() {
    return topics;
  }

  public SerdeConfig serdeConfig() {
    return serdeConfig;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
