package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured sinks, each on its own {@link SinkRunner} (own thread, own consumer group), plus the producer of
 * their HEALTH alerts:
 * <pre>
 *   sigwatch.alerts ──┬─► sink "pager"   (group sigwatch-sink-pager)   ─► webhook
 *   sigwatch.log.events (INCIDENT_*) ─┼─► sink "siem" (group sigwatch-sink-siem) ─► syslog/CEF
 *                     └─► sink "team"    (group sigwatch-sink-team)    ─► Slack
 *   a suspended sink ─► HEALTH alert ─► sigwatch.alerts
 * </pre>
 */
public final class SinkService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkService.class);

  private final List<SinkSpec> specs;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final SinkMetrics metrics;
  private final Clock clock;
  private final List<SinkRunner> runners = new ArrayList<>();
  private KafkaProducer<String, Alert> producer;

  public SinkService(List<SinkSpec> specs, Map<String, Object> clientProperties, Topics topics, SinkMetrics metrics,
      Clock clock) {
    this.specs = List.copyOf(specs);
    this.clientProperties = Map.copyOf(clientProperties);
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
  }

  public SinkService start() {
    if (specs.isEmpty()) return this;
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer());
    for (SinkSpec s : specs) {
      SinkRunner r = new SinkRunner(s, clientProperties, topics, this::publish, metrics, clock);
      runners.add(r);
      r.start();
    }
    log.info("{} alert sink(s) running: {}", runners.size(), specs.stream().map(SinkSpec::name).toList());
    return this;
  }

  private void publish(Alert a) {
    try {
      producer.send(new ProducerRecord<>(topics.alerts().name(), a.getAlertId(), a)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("publishing HEALTH alert " + a.getAlertId() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("publishing HEALTH alert " + a.getAlertId() + ": interrupted", e);
    }
  }

  public List<SinkRunner> runners() {
    return List.copyOf(runners);
  }

  @Override
  public void close() {
    for (SinkRunner r : runners) {
      try {
        r.close();
      } catch (Exception e) {
        log.warn("sink {}: closing: {}", r.name(), e.toString());
      }
    }
    if (producer != null) producer.close();
    if (runners.isEmpty()) SinkFactory.closeAll(specs);
  }
}
