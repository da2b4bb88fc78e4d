package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.AlertJson;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.TopicAdmin;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a replay's matches go: its own file, its own topic or the store under its name, never the live alert
 * stream. {@link #write} returns only when the chunk's alerts are durable there (flushed, acknowledged, committed),
 * because the replay records the chunk as done right after. A resumed replay may write the alerts of the chunk it was
 * in again: the same alert ids, which the store keeps once and readers of a file or topic de-duplicate on.
 * Used by one thread.
 */
public interface ReplayOutput extends AutoCloseable {

  /** {@code store}, {@code file:<path>} or {@code topic:<name>}: recorded with the run. */
  String describe();

  /** Stores one chunk's alerts (possibly none); durable when it returns. */
  void write(List<Alert> alerts) throws IOException;

  @Override
  void close() throws IOException;

  /** The store's replay results under {@code name} ({@link AlertStore#replayResults}), idempotent by alert id. */
  static ReplayOutput store(AlertStore store, String name) {
    return new ReplayOutput() {
      @Override
      public String describe() {
        return "store";
      }

      @Override
      public void write(List<Alert> alerts) {
        store.addReplayResults(name, alerts);
      }

      @Override
      public void close() {}
    };
  }

  /** One JSON line per alert ({@link AlertJson}, as the jsonlines sink writes), appended to {@code file}. */
  static ReplayOutput file(Path file) throws IOException {
    Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new ReplayOutput() {
      @Override
      public String describe() {
        return "file:" + file.toAbsolutePath();
      }

      @Override
      public void write(List<Alert> alerts) throws IOException {
        if (alerts.isEmpty()) return;
        for (Alert a : alerts) {
          out.write(AlertJson.toLine(a));
          out.write('\n');
        }
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  /**
   * The replay's own topic ({@code sigwatch.replay.<name>}, created if missing), keyed by alert id; each chunk is
   * sent and acknowledged (idempotent producer, acks=all) before it counts as done.
   *
   * @param clientProperties the cluster's client properties (bootstrap servers, security)
   */
  static ReplayOutput topic(Map<String, Object> clientProperties, Topic<String, Alert> topic) {
    try (Admin admin = Admin.create(new HashMap<>(clientProperties))) {
      TopicAdmin.ensureTopics(admin, List.of(topic));
    }
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // One request in flight: the topic may have been created just above, and Kafka 4.4 brokers can refuse a new
    // partition's first request and append the pipelined second one, after which the first fails with
    // OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-15591, fixed in 4.5). Batches of many alerts make this cheap.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    KafkaProducer<String, Alert> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
        topic.valueSerde().serializer());
    return new ReplayOutput() {
      @Override
      public String describe() {
        return "topic:" + topic.name();
      }

      @Override
      public void write(List<Alert> alerts) throws IOException {
        if (alerts.isEmpty()) return;
        List<Future<?>> sent = new ArrayList<>(alerts.size());
        for (Alert a : alerts) sent.add(producer.send(new ProducerRecord<>(topic.name(), a.getAlertId(), a)));
        producer.flush();
        try {
          for (Future<?> f : sent) f.get();
        } catch (ExecutionException e) {
          throw new IOException("writing to " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted writing to " + topic.name(), e);
        }
      }

      @Override
      public void close() {
        producer.close();
      }
    };
  }
}
