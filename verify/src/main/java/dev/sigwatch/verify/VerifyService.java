package dev.sigwatch.verify;

import dev.sigwatch.schemas.dlq.DlqDeserializationExceptionHandler;
import dev.sigwatch.schemas.topics.StreamsTuning;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import dev.sigwatch.schemas.Alert;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
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
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final AtomicLong threadFailures = new AtomicLong();
  private volatile Runnable onError = () -> { };

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
    this.clientProperties = Map.copyOf(clientProperties);
    this.topics = topics;
    streams.setUncaughtExceptionHandler(this::uncaught);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.ERROR) {
        log.error("{}: THE VERIFY STAGE HAS STOPPED (Kafka Streams state ERROR, was {}): logs are no longer verified",
            settings.applicationId(), before);
        health("stopped", "the verify stage stopped (Kafka Streams state ERROR): logs are no longer verified",
            Map.of("previousState", before.name()));
        onError.run();
      }
    });
  }

  /**
   * A stream thread died of an unexpected exception: say so loudly (log, {@link #threadFailures()}, a HEALTH alert
   * per distinct failure) and replace the thread, which resumes from the last commit; a record that keeps failing is
   * skipped to the DLQ by {@link GuardedProcessor}, so this does not loop for ever.
   */
  private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse uncaught(Throwable e) {
    long n = threadFailures.incrementAndGet();
    Throwable cause = e.getCause() != null && e instanceof org.apache.kafka.streams.errors.StreamsException
        ? e.getCause() : e;
    log.error("{}: a verify stream thread failed ({} so far); replacing it: {}", settings.applicationId(), n,
        cause.toString(), e);
    health("thread-failure " + cause, "a verify stream thread failed and was replaced: " + cause,
        Map.of("exception", cause.toString(), "failures", Long.toString(n)));
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Sends a HEALTH alert about the stage itself (not through the topology, which may be what failed). */
  private void health(String fact, String summary, Map<String, String> evidence) {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.keySet().removeIf(k -> k.startsWith("application.") || k.startsWith("state.") || k.startsWith("processing."));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    String id = Findings.id(Findings.HEALTH, settings.applicationId(), fact);
    Alert a = Findings.alert(id, Findings.HEALTH, settings.applicationId(), null,
        settings.applicationId() + ": " + summary, evidence, System.currentTimeMillis());
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(p, topics.alerts().keySerde().serializer(),
        topics.alerts().valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.alerts().name(), id, a)).get(15, TimeUnit.SECONDS);
    } catch (Exception ex) {
      if (ex instanceof InterruptedException) Thread.currentThread().interrupt();
      log.error("{}: could not send the HEALTH alert \"{}\": {}", settings.applicationId(), summary, ex.toString());
    }
  }

  /** How many stream threads died of an unexpected exception and were replaced since start (thread-safe). */
  public long threadFailures() {
    return threadFailures.get();
  }

  /** Records skipped to the DLQ as poison (failed {@link GuardedProcessor#MAX_ATTEMPTS} times) in this JVM. */
  public static long poisonRecordsSkipped() {
    return GuardedProcessor.skipped();
  }

  /** Runs {@code r} (once per occurrence, on a Streams thread) if the stage stops with state ERROR. */
  public void onError(Runnable r) {
    this.onError = r == null ? () -> { } : r;
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
    StreamsTuning.producerDefaults(m);
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
