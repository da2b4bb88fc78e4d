package dev.sigwatch.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;

/**
 * Simulator → ingest → verify on the real broker, for the ITs that stage incidents on simulated logs: ingest of the
 * targets from index 0 (polled every 200 ms, no rate limit, fast retries) and a verify stage, both on {@code topics},
 * and a consumer that collects the alerts and log events they publish. Records created before {@code since} are left
 * out (another run's, on topics it shares). The collected lists are read and written by the test thread only.
 */
final class SimulatedPipeline implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  private final Topics topics;
  private final long since;
  private final Duration timeout;
  private final KafkaConsumer<String, byte[]> out;
  private IngestService ingest;
  private VerifyService verify;

  /**
   * @param stateDir verify's Kafka Streams state
   * @param timeout how long {@link #await} waits: generous, the machine may be loaded
   */
  SimulatedPipeline(KafkaTestBroker broker, Topics topics, List<LogTarget> targets, VerifySettings settings,
      Path stateDir, long since, Duration timeout) {
    this.topics = topics;
    this.since = since;
    this.timeout = timeout;
    out = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("pipeline-it")),
        new StringDeserializer(), new ByteArrayDeserializer());
    try {
      out.subscribe(List.of(topics.alerts().name(), topics.logEvents().name()));
      ingest = new IngestService(ingestSettings(targets), Map.of("bootstrap.servers", broker.bootstrapServers()),
          topics, IngestMetrics.unregistered()).start();
      verify = new VerifyService(settings, streamsProperties(broker, stateDir), topics);
      verify.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Ingest of {@code targets} from index 0, polled every 200 ms, no rate limit, fast retries. */
  static IngestSettings ingestSettings(List<LogTarget> targets) {
    return IngestSettings.defaults(targets).withStartMode(new StartMode.AtIndex(0))
        .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(4)
        .withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  /** A verify stage's Kafka Streams properties on the test broker: its state in {@code stateDir}, commits every 200 ms. */
  static Map<String, Object> streamsProperties(KafkaTestBroker broker, Path stateDir) {
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    return props;
  }

  /** One private trusted root with the transparency and CT logs of every simulator (the first one's CA). */
  static TrustedRoot trustedRoot(List<SigstoreSimulator> sims) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(sims.get(0).trustedRoot());
    for (String field : List.of("tlogs", "ctlogs")) {
      ArrayNode all = JSON.createArrayNode();
      for (SigstoreSimulator s : sims) all.addAll((ArrayNode) JSON.readTree(s.trustedRoot()).get(field));
      root.set(field, all);
    }
    return TrustedRoot.parse(JSON.writeValueAsString(root));
  }

  /** Reads what arrived within 200 ms into {@link #alerts} and {@link #events}. */
  void poll() {
    for (ConsumerRecord<String, byte[]> r : out.poll(Duration.ofMillis(200))) {
      if (r.topic().equals(topics.alerts().name())) {
        Alert a = topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value());
        if (a.getCreatedAtMillis() >= since) alerts.add(a);
      } else {
        LogEvent e = topics.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value());
        if (e.getAtMillis() >= since) events.add(e);
      }
    }
  }

  /** Polls until {@code assertion} holds, for the timeout at most. */
  void await(ThrowingRunnable assertion) {
    Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).untilAsserted(() -> {
      poll();
      assertion.run();
    });
  }

  /** A log's alerts (the logs {@code log} picks), in the order received. */
  List<Alert> alertsOf(Predicate<String> log) {
    return alerts.stream().filter(a -> a.getLogId() != null && log.test(a.getLogId())).toList();
  }

  /** A log's events of {@code type}, in the order received. */
  List<LogEvent> eventsOf(Predicate<String> log, String type) {
    return events.stream().filter(e -> log.test(e.getLogId()) && e.getType().equals(type)).toList();
  }

  /** The tree sizes of a log's events of {@code type}, in the order received. */
  List<Long> sizes(Predicate<String> log, String type) {
    return eventsOf(log, type).stream().map(LogEvent::getTreeSize).toList();
  }

  @Override
  public void close() {
    if (verify != null) verify.close();
    if (ingest != null) {
      try {
        ingest.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    out.close();
  }
}
