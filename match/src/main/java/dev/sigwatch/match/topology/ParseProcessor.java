package dev.sigwatch.match.topology;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.parse.CtEntries;
import dev.sigwatch.match.parse.EntryParseException;
import dev.sigwatch.match.parse.IdentityEvents;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a Rekor or CT entry into identity events (timestamped with the entry's event time), or — when it cannot —
 * into a {@link RejectedRecord} for the DLQ plus a MALFORMED_ENTRY alert. Never throws for bad input: the stage goes
 * on. Outputs {@link IdentityEvent}, {@link RejectedRecord} and {@link Alert} values on one stream; the topology
 * splits them by type.
 */
final class ParseProcessor<V extends SpecificRecord> implements Processor<String, V, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(ParseProcessor.class);
  static final String SOURCE = "match";

  private final RejectedRecords rejected;
  private ProcessorContext<String, SpecificRecord> context;

  ParseProcessor(Clock clock) {
    this.rejected = new RejectedRecords(clock);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, V> record) {
    V value = record.value();
    if (value == null) {
      return;
    }
    try {
      Long truncated = value instanceof RekorEntry r ? r.getServedBytes() : ((CtEntry) value).getServedBytes();
      if (truncated != null) {
        // Too big for one Kafka record: ingest kept its first bytes and its leaf hash (the audit still covers it).
        throw new IllegalArgumentException("entry of " + truncated + " bytes was truncated at ingest: it exceeds the"
            + " Kafka record size limit; its leaf is audited from the hash ingest computed");
      }
      List<IdentityEvent> events = value instanceof RekorEntry r ? IdentityEvents.fromRekor(r)
          : List.of(CtEntries.fromCt((CtEntry) value));
      for (IdentityEvent e : events) {
        context.forward(new Record<>(IdentityEvents.key(e), (SpecificRecord) e, Alerts.eventTime(e)));
      }
    } catch (EntryParseException | RuntimeException e) {
      reject(record, value, e);
    }
  }

  private void reject(Record<String, V> record, V value, Exception failure) {
    String logId;
    long index;
    byte[] raw;
    if (value instanceof RekorEntry r) {
      logId = r.getLogId();
      index = r.getLogIndex();
      raw = bytes(r.getBody());
    } else {
      CtEntry c = (CtEntry) value;
      logId = c.getLogId();
      index = c.getIndex();
      raw = bytes(c.getLeafInput());
    }
    String reason = RejectedRecords.reason(failure);
    log.warn("{}: entry {} rejected: {}", logId, index, reason);
    RecordMetadata m = context.recordMetadata().orElse(null);
    RejectedRecord rr = rejected.of(SOURCE, reason, m == null ? null : m.topic(), m == null ? null : m.partition(),
        m == null ? null : m.offset(), record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), raw);
    rr.setLogId(logId);
    rr.setLogIndex(index);
    context.forward(new Record<>(SOURCE, (SpecificRecord) rr, record.timestamp()));
    Alert a = Alert.newBuilder()
        .setAlertId(Alerts.alertId(Alerts.MALFORMED_ENTRY, logId, index, null))
        .setType(Alerts.MALFORMED_ENTRY)
        .setSeverity(Severity.MEDIUM)
        .setLogId(logId)
        .setLogIndex(index)
        .setUuid(value instanceof RekorEntry r ? r.getUuid() : null)
        .setSummary("entry " + logId + "/" + index + " cannot be parsed: " + reason)
        .setEvidence(Map.of("reason", reason))
        .setCreatedAtMillis(record.timestamp())
        .build();
    context.forward(new Record<>(a.getAlertId(), (SpecificRecord) a, record.timestamp()));
  }

  private static byte[] bytes(java.nio.ByteBuffer b) {
    java.nio.ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
