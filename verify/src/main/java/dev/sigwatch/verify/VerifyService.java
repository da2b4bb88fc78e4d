package dev.sigwatch.verify;

import dev.sigwatch.schemas.dlq.DlqDeserializationExceptionHandler;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the verify stage ({@link VerifyTopology}) as a Kafka Streams application with exactly-once processing.
 * {@link #start()} once, {@link #close()} when done; thread-safe as {@link KafkaStreams} is.
 */
public final class VerifyService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VerifyService.class);
  /** The stage's name in DLQ records. */
  public static final String DLQ_SOURCE = "verify";

  private final VerifySettings settings;
  private final KafkaStreams streams;

  /**
   * @param settings the stage's settings
   * @param clientProperties Kafka client properties, at least {@code bootstrap.servers}; may set {@code state.dir}
   *     and security settings; {@code application.id} and {@code processing.guarantee} are set here
   * @param topics the topic catalogue
   */
  public VerifyService(VerifySettings settings, Map<String, Object> clientProperties, Topics topics) {
    this.settings = settings;
    Properties props = new Properties();
    props.putAll(streamsConfig(settings, clientProperties, topics));
    this.streams = new KafkaStreams(VerifyTopology.build(settings, topics), props);
  }

  /**
   * The Streams config of the stage: the client properties plus the application id, exactly-once v2 (so state,
   * alerts and offsets commit together) and the DLQ deserialization handler.
   */
  public static Map<String, Object> streamsConfig(VerifySettings settings, Map<String, Object> clientProperties,
      Topics topics) {
    if (clientProperties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
      throw new IllegalArgumentException("client properties must set " + StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
    Map<String, Object> m = new HashMap<>(clientProperties);
    m.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    m.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    m.putAll(DlqDeserializationExceptionHandler.settings(DLQ_SOURCE, topics.serdes().config()));
    return m;
  }

  public void start() {
    log.info("{}: starting the verify stage", settings.applicationId());
    streams.start();
  }

  /** The current Kafka Streams state. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The live client metrics of the stage's Kafka Streams instance (a read-only view, readable from any thread). */
  public Map<MetricName, ? extends Metric> metrics() {
    return streams.metrics();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    log.info("{}: verify stage stopped", settings.applicationId());
  }
}
