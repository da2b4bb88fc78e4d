package dev.sigwatch.schemas.dlq;

import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.topics.Topic;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rejected records to the DLQ topic from a plain-client stage (one that consumes {@code byte[]} and decodes
 * itself, or rejects a decoded record it cannot process). The producer must have String keys and the DLQ topic's
 * value serializer ({@code topics.dlq()}). Thread-safe if the producer is (Kafka's is).
 */
public final class DlqPublisher {

  private static final Logger log = LoggerFactory.getLogger(DlqPublisher.class);

  private final String source;
  private final Topic<String, RejectedRecord> dlq;
  private final Producer<String, RejectedRecord> producer;
  private final RejectedRecords rejected;

  public DlqPublisher(String source, Topic<String, RejectedRecord> dlq, Producer<String, RejectedRecord> producer,
      RejectedRecords rejected) {
    if (source == null || source.isBlank()) throw new IllegalArgumentException("source must be non-blank");
    this.source = source;
    this.dlq = dlq;
    this.producer = producer;
    this.rejected = rejected;
  }

  /** Sends a record that failed with {@code failure}; returns the send's future. */
  public Future<RecordMetadata> reject(ConsumerRecord<byte[], byte[]> record, Throwable failure) {
    return send(rejected.of(source, record, failure));
  }

  /** Sends an already built rejected record (key: its source). */
  public Future<RecordMetadata> send(RejectedRecord value) {
    log.warn("{}: rejecting to {}: {}", source, dlq.name(), value.getReason());
    return producer.send(new ProducerRecord<>(dlq.name(), value.getSource(), value));
  }
}
