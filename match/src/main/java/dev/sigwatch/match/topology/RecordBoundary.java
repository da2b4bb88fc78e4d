package dev.sigwatch.match.topology;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The match stage's record boundary: whatever one entry does to the code that reads it — an exception, a
 * {@link StackOverflowError} on a deeply nested certificate, an {@link OutOfMemoryError} of one oversized decode — is
 * contained to that entry, which becomes a DLQ record plus a MALFORMED_ENTRY alert, and the stage moves on. Without
 * it, the failure escapes to Kafka Streams, the thread is replaced, the same record is read again: a crash loop that
 * silences every identity alert, caused by one entry anyone can upload to a public log.
 *
 * <p>Only the per-entry work runs inside the boundary; records are forwarded outside it, so Kafka's own failures
 * (a fenced producer, a migrated task) still reach Kafka Streams. Errors that say the JVM or the build is broken
 * (other {@link VirtualMachineError}s, {@link LinkageError}) are not contained. Thread-safe (stateless apart from
 * the clock of its {@link RejectedRecords}).
 */
final class RecordBoundary {
  private static final Logger log = LoggerFactory.getLogger(RecordBoundary.class);
  static final String SOURCE = "match";

  private final RejectedRecords rejected;

  RecordBoundary(RejectedRecords rejected) {
    this.rejected = rejected;
  }

  /** True if a failure of one entry's processing is that entry's problem (contain it), false to rethrow. */
  static boolean contained(Throwable t) {
    if (t instanceof StackOverflowError || t instanceof OutOfMemoryError) return true;
    return !(t instanceof VirtualMachineError) && !(t instanceof LinkageError);
  }

  /** Rethrows {@code t} unless {@link #contained}. */
  static void rethrowIfFatal(Throwable t) {
    if (!contained(t)) {
      if (t instanceof Error e) throw e;
      throw new IllegalStateException(t);
    }
  }

  /** A one-line reason; an error names what it means for an entry (its message is usually empty). */
  static String reason(String doing, Throwable t) {
    String why = t instanceof StackOverflowError ? "StackOverflowError: structure nested too deeply"
        : t instanceof OutOfMemoryError ? "OutOfMemoryError: structure too large to decode"
        : RejectedRecords.reason(t);
    return doing + ": " + why;
  }

  /**
   * Forwards a DLQ record and a MALFORMED_ENTRY (MEDIUM) alert for one entry (or one part of it, {@code part}).
   *
   * @param part null for the whole entry, else what failed (e.g. {@code "signer 1"}), part of the alert id
   * @param raw the offending bytes
   */
  void reject(ProcessorContext<String, SpecificRecord> context, Record<String, ?> record, String logId, long index,
      String uuid, String part, String reason, byte[] raw) {
    log.warn("{}: entry {} rejected{}: {}", logId, index, part == null ? "" : " (" + part + ")", reason);
    RecordMetadata m = context.recordMetadata().orElse(null);
    RejectedRecord rr = rejected.of(SOURCE, reason, m == null ? null : m.topic(), m == null ? null : m.partition(),
        m == null ? null : m.offset(),
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), raw);
    rr.setLogId(logId);
    rr.setLogIndex(index);
    context.forward(new Record<>(SOURCE, (SpecificRecord) rr, record.timestamp()));
    Alert a = Alert.newBuilder()
        .setAlertId(Alerts.alertId(Alerts.MALFORMED_ENTRY, logId, index, part))
        .setType(Alerts.MALFORMED_ENTRY)
        .setSeverity(Severity.MEDIUM)
        .setLogId(logId)
        .setLogIndex(index)
        .setUuid(uuid)
        .setSummary("entry " + logId + "/" + index + (part == null ? "" : " " + part) + " cannot be read: " + reason)
        .setEvidence(part == null ? Map.of("reason", reason) : Map.of("reason", reason, "part", part))
        .setCreatedAtMillis(record.timestamp())
        .build();
    context.forward(new Record<>(a.getAlertId(), (SpecificRecord) a, record.timestamp()));
  }
}
