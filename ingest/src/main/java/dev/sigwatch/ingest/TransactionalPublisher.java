package dev.sigwatch.ingest;

import dev.sigwatch.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log's transactional producer: the entries, checkpoints and DLQ notes sent between {@link #begin()} and
 * {@link #commit()} become visible together or not at all. Opening it ({@code initTransactions} under the log's
 * transactional id) fences a dead predecessor and aborts its open transaction. Values are serialized here with the
 * topic's serde. Not thread-safe: used by the log's poll thread only.
 */
final class TransactionalPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPublisher.class);

  private final String name;
  private final Map<String, Object> clientProperties;
  private final String transactionalId;
  private final int maxRecordBytes;
  private KafkaProducer<String, byte[]> producer;

  /**
   * @param name the log, for log lines
   * @param clientProperties Kafka client settings; batching and compression defaults apply where they are absent
   */
  TransactionalPublisher(String name, Map<String, Object> clientProperties, String transactionalId) {
    this.name = name;
    this.clientProperties = clientProperties;
    this.transactionalId = transactionalId;
    Object max = clientProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    int maxRequest = max == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(max.toString().trim());
    this.maxRecordBytes = Math.max(1, maxRequest - RECORD_HEADROOM);
  }

  /** Kafka's default {@code max.request.size} (and about the broker's default {@code message.max.bytes}). */
  static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  /** Room for the record and batch headers around key and value, so that what fits here fits the producer. */
  private static final int RECORD_HEADROOM = 1024;

  /** The largest key + value a record may have ({@code max.request.size} less headroom). */
  int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** Opens the producer unless it is open. */
  void open() {
    if (producer != null) return;
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions(); // fences a dead predecessor and aborts its open transaction
  }

  void begin() {
    producer.beginTransaction();
  }

  /**
   * Sends a record, or returns false and sends nothing if it would exceed {@link #maxRecordBytes}: a record the
   * producer refuses fails the whole transaction, again at every retry.
   */
  <V> boolean trySend(Topic<String, V> topic, String key, V value) {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    int keyBytes = key == null ? 0 : key.length() * 3; // UTF-8 upper bound; keys are short
    if (bytes.length + keyBytes > maxRecordBytes) return false;
    producer.send(new ProducerRecord<>(topic.name(), key, bytes));
    return true;
  }

  /** Sends a record that must fit (ingest's own small records); a broken invariant if it does not. */
  <V> void send(Topic<String, V> topic, String key, V value) {
    if (!trySend(topic, key, value)) {
      throw new BrokenInvariantException(name + ": a " + topic.name() + " record under key " + key
          + " exceeds the record limit of " + maxRecordBytes + " bytes");
    }
  }

  void commit() {
    producer.commitTransaction();
  }

  /**
   * Closes the producer, if open. An open transaction is not committed: the next {@link #open()} (here or in the next
   * process) aborts it.
   */
  @Override
  public void close() {
    if (producer == null) return;
    try {
      producer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("{}: closing the producer: {}", name, e.toString());
    }
    producer = null;
  }
}
