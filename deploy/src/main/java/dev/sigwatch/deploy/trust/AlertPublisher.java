package dev.sigwatch.deploy.trust;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends alerts raised outside the stream stages (trust changes, canary) to the alerts topic, keyed by alert id. */
public final class AlertPublisher implements Consumer<Alert>, AutoCloseable {
  private final Topic<String, Alert> topic;
  private final KafkaProducer<String, Alert> producer;

  public AlertPublisher(Map<String, Object> clientProperties, Topic<String, Alert> topic, String clientId) {
    this.topic = topic;
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /** Sends {@code a} and waits for the broker's acknowledgement (30 s). */
  @Override
  public void accept(Alert a) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), a.getAlertId(), a)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending alert " + a.getAlertId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("sending alert " + a.getAlertId() + " to " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
