package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Alerts, updates, topics and sink settings for the sink tests. */
final class SinkFixtures {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Severity[] SEVERITIES = Severity.values();

  private SinkFixtures() {}

  /** Topics of one test's own, created on the broker. */
  static Topics topics(KafkaTestBroker broker, String prefix) {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(prefix);
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    return topics;
  }

  /** Alert {@code i}: severity cycles through all five, every third is a FORK on log-b, the rest IDENTITY_MATCH. */
  static Alert alert(String run, int i) {
    boolean fork = i % 3 == 0;
    return Alert.newBuilder()
        .setAlertId(SinkHealth.id("test", run, Integer.toString(i)))
        .setType(fork ? "FORK" : "IDENTITY_MATCH")
        .setSeverity(SEVERITIES[i % SEVERITIES.length])
        .setLogId(fork ? "log-b" : "log-a")
        .setLogIndex((long) i)
        .setUuid(fork ? null : "uuid-" + i)
        .setRuleId(fork ? null : "rule-" + (i % 2))
        .setIdentity(fork ? null : "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v" + i)
        .setSummary("alert " + i + (fork ? " fork | with = and \\ and\nnewline" : " matched"))
        .setCertificate(fork ? Map.of() : Map.of("fingerprint", "ab".repeat(32), "issuer", "O=sigstore.dev"))
        .setEvidence(Map.of("body", "x".repeat(i % 2 == 0 ? 10 : 1000)))
        .setCreatedAtMillis(1_700_000_000_000L + i * 1000L)
        .build();
  }

  static List<Alert> alerts(String run, int n) {
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(alert(run, i));
    return out;
  }

  /** An INCIDENT_CONTINUES or INCIDENT_RESOLVED event of {@code a}. */
  static LogEvent update(Alert a, String type, int observations) {
    Map<String, String> d = new java.util.HashMap<>(Map.of("alertId", a.getAlertId(), "incidentType", a.getType(),
        "observations", Integer.toString(observations)));
    if (type.equals("INCIDENT_RESOLVED")) d.put("reason", "quiet for PT10M");
    return LogEvent.newBuilder()
        .setEventId(SinkHealth.id(type, a.getAlertId(), Integer.toString(observations)))
        .setLogId(a.getLogId())
        .setType(type)
        .setTreeSize(a.getLogIndex())
        .setAtMillis(a.getCreatedAtMillis() + observations * 60_000L)
        .setDetail(d)
        .build();
  }

  /**
   * Writes the alerts, then the events, and returns where each landed (by alert id / event id). Fails if any write
   * failed: {@code flush()} alone returns normally after a batch expired (see {@link KafkaTestBroker#producerConfig}).
   */
  static Map<String, RecordMetadata> produce(KafkaTestBroker broker, Topics topics, List<Alert> alerts,
      List<LogEvent> events) {
    Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
    try (KafkaProducer<String, Alert> p = new KafkaProducer<>(broker.producerConfig(),
        topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer());
        KafkaProducer<String, LogEvent> e = new KafkaProducer<>(broker.producerConfig(),
            topics.logEvents().keySerde().serializer(), topics.logEvents().valueSerde().serializer())) {
      for (Alert a : alerts) {
        sent.put(a.getAlertId(), p.send(new ProducerRecord<>(topics.alerts().name(), a.getAlertId(), a)));
      }
      p.flush();
      for (LogEvent ev : events) {
        sent.put(ev.getEventId(), e.send(new ProducerRecord<>(topics.logEvents().name(), ev.getLogId(), ev)));
      }
      e.flush();
      Map<String, RecordMetadata> out = new LinkedHashMap<>();
      for (Map.Entry<String, Future<RecordMetadata>> s : sent.entrySet()) {
        out.put(s.getKey(), s.getValue().get(60, TimeUnit.SECONDS));
      }
      return out;
    } catch (ExecutionException | TimeoutException ex) {
      throw new IllegalStateException("writing the test's alerts and events: " + ex, ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  /** A sink's settings from YAML text. */
  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static SinkSpec sink(String yaml) {
    return SinkFactory.build(yaml(yaml), "alerts.sinks[0]", new SinkContext("https://sigwatch.example.org",
        java.time.Clock.systemUTC()));
  }
}
