package dev.sigwatch.match;

import dev.sigwatch.match.topology.ChainCheck;
import dev.sigwatch.match.topology.MatchTopology;
import dev.sigwatch.match.topology.WatchlistState;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.dlq.DlqDeserializationExceptionHandler;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.StreamsTuning;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The match stage as a service: publishes the configured watchlist rules to the watchlist topic (deterministic ids,
 * so a restart replaces rather than duplicates them), then runs {@link MatchTopology} on Kafka Streams.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} once. Not thread-safe for lifecycle calls; the
 * stage itself runs on Kafka Streams' threads.
 */
public final class MatchService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MatchService.class);
  /** Kafka Streams' commit interval unless the client properties set {@code commit.interval.ms}. */
  public static final int DEFAULT_COMMIT_INTERVAL_MS = 1000;

  private final MatchSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final Clock clock;
  private volatile KafkaStreams streams;

  /**
   * @param settings stage settings
   * @param clientProperties Kafka client properties (bootstrap.servers, security, serde settings); the stage adds
   *     its application id and the DLQ deserialization handler
   * @param topics the topic catalogue
   */
  public MatchService(MatchSettings settings, Map<String, Object> clientProperties, Topics topics) {
    this(settings, clientProperties, topics, Clock.systemUTC());
  }

  public MatchService(MatchSettings settings, Map<String, Object> clientProperties, Topics topics, Clock clock) {
    this.settings = settings;
    this.clientProperties = Map.copyOf(clientProperties);
    this.topics = topics;
    this.clock = clock;
  }

  /** Publishes the configured rules and starts the streams application. */
  public void start() {
    if (streams != null) {
      throw new IllegalStateException("MatchService already started");
    }
    publishConfiguredRules();
    // The Fulcio CAs of the trusted root now, at every chain check (a root TUF refreshes brings its new CAs along).
    ChainCheck chains = ChainCheck.following(settings::root);
    var topology = MatchTopology.build(topics, new WatchlistState(), chains, settings.joinWindow(), clock);
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.putAll(DlqDeserializationExceptionHandler.settings("match", SerdeConfig.fromProperties(clientProperties)));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Under exactly-once Kafka Streams commits every 100 ms, and each commit writes transaction markers to every
    // partition the transaction touched (~20 here): 1 s keeps an alert's added latency under a second.
    p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
    StreamsTuning.producerDefaults(p);
    streams = new KafkaStreams(topology, p);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("match: stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    log.info("match: started {} with {} configured rule(s), join window {}", settings.applicationId(),
        WatchRules.from(settings.monitoredValues(), 0).size(), settings.joinWindow());
  }

  /** The Kafka Streams state, or null before start. */
  public KafkaStreams.State state() {
    KafkaStreams s = streams;
    return s == null ? null : s.state();
  }

  /**
   * The live client metrics of the stage's Kafka Streams instance (a read-only view, readable from any thread), or
   * an empty map before start and after close.
   */
  public Map<MetricName, ? extends Metric> metrics() {
    KafkaStreams s = streams;
    return s == null ? Map.of() : s.metrics();
  }

  private void publishConfiguredRules() {
    List<WatchRule> rules = WatchRules.from(settings.monitoredValues(), clock.millis());
    if (rules.isEmpty()) {
      return;
    }
    Map<String, Object> pp = new HashMap<>(clientProperties);
    pp.keySet().removeIf(k -> k.startsWith("default.") || k.equals(StreamsConfig.APPLICATION_ID_CONFIG)
        || k.equals(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) || k.equals(StreamsConfig.STATE_DIR_CONFIG));
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, WatchRule> producer = new KafkaProducer<>(pp,
        topics.watchlist().keySerde().serializer(), topics.watchlist().valueSerde().serializer())) {
      for (WatchRule r : rules) {
        producer.send(new ProducerRecord<>(topics.watchlist().name(), r.getRuleId(), r)).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("publishing the configured watchlist was interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("publishing the configured watchlist to " + topics.watchlist().name()
          + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
      streams = null;
    }
  }
}
