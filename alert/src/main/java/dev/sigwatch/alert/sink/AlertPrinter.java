package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every alert on {@code sigwatch.alerts} to a sink (JSON lines on stdout or a file), so a user sees results
 * in {@code sigwatch run} without configuring anything. Offsets are committed after the sink is flushed: a crash
 * repeats at most the alerts since the last commit, and a restart does not print old alerts again.
 */
public final class AlertPrinter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertPrinter.class);

  private final KafkaConsumer<String, Alert> consumer;
  private final AlertSink sink;
  private final AlertMetrics metrics;
  private final Topic<String, Alert> topic;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);

  public AlertPrinter(Map<String, Object> clientProperties, Topic<String, Alert> topic, String groupId, AlertSink sink) {
    this(clientProperties, topic, groupId, sink, AlertMetrics.unregistered());
  }

  /** As above, counting each printed alert in {@code metrics}. */
  public AlertPrinter(Map<String, Object> clientProperties, Topic<String, Alert> topic, String groupId, AlertSink sink,
                      AlertMetrics metrics) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    this.sink = sink;
    this.metrics = metrics;
    this.topic = topic;
    this.thread = new Thread(this::loop, "sigwatch-alert-printer");
  }

  public void start() {
    consumer.subscribe(List.of(topic.name()));
    thread.start();
  }

  private void loop() {
    try {
      while (running.get()) {
        ConsumerRecords<String, Alert> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        for (ConsumerRecord<String, Alert> r : records) {
          if (r.value() != null) {
            sink.accept(r.value());
            metrics.alerted(r.value());
          }
        }
        sink.flush();
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (Exception e) {
      log.error("alert printer stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    consumer.wakeup();
    thread.join(10_000);
    sink.close();
  }
}
