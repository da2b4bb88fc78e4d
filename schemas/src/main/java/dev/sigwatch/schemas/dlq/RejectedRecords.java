package dev.sigwatch.schemas.dlq;

import dev.sigwatch.schemas.RejectedRecord;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Builds {@link RejectedRecord}s, the values of the DLQ topic, stamped with the injected clock. Thread-safe.
 */
public final class RejectedRecords {

  /** A reason longer than this is cut: it is a line for a human, not a place for stack traces. */
  static final int MAX_REASON_CHARS = 2000;

  private final Clock clock;

  public RejectedRecords(Clock clock) {
    this.clock = clock;
  }

  /**
   * A rejected record with the offending bytes exactly as received.
   *
   * @param source stage or component that rejected it, e.g. {@code match} (non-blank)
   * @param reason why (non-blank)
   * @param topic, partition, offset where it came from; null if it did not come from a topic
   * @param key, value the raw bytes; null if absent
   */
  public RejectedRecord of(String source, String reason, String topic, Integer partition, Long offset, byte[] key, byte[] value) {
    if (source == null || source.isBlank()) throw new IllegalArgumentException("source must be non-blank, was " + source);
    if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason must be non-blank, was " + reason);
    return RejectedRecord.newBuilder()
        .setSource(source)
        .setReason(reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "…" : reason)
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
        .setValue(value == null ? null : ByteBuffer.wrap(value.clone()))
        .setRejectedAtMillis(clock.millis())
        .build();
  }

  /** A rejected consumer record, the reason taken from the failure ({@link #reason(Throwable)}). */
  public RejectedRecord of(String source, ConsumerRecord<byte[], byte[]> record, Throwable failure) {
    return of(source, reason(failure), record.topic(), record.partition(), record.offset(), record.key(), record.value());
  }

  /** A one-line reason: the failure's message, then each distinct cause's ({@code "…; caused by EOFException: …"}). */
  public static String reason(Throwable failure) {
    StringBuilder sb = new StringBuilder();
    String previous = null;
    for (Throwable t = failure; t != null && sb.length() < MAX_REASON_CHARS; t = t.getCause() == t ? null : t.getCause()) {
      String msg = t.getMessage();
      if (msg != null && previous != null && previous.contains(msg)) continue;
      if (sb.length() > 0) sb.append("; caused by ");
      sb.append(t.getClass().getSimpleName());
      if (msg != null) sb.append(": ").append(msg);
      previous = msg;
    }
    return sb.toString();
  }
}
