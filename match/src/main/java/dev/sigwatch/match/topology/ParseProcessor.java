package dev.sigwatch.match.topology;

import dev.sigwatch.match.parse.CtEntries;
import dev.sigwatch.match.parse.IdentityEvents;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Parses a Rekor or CT entry into identity events, or — when it cannot — into a DLQ record plus a MALFORMED_ENTRY
 * alert ({@link RecordBoundary}: no entry can stop the stage). A multi-signer entry with a bad signer yields its
 * good signers' events and a MALFORMED_ENTRY for the bad one; a CT entry whose {@code extra_data} disagrees with its
 * Merkle leaf yields the leaf's identities and a CT_EXTRA_DATA_MISMATCH alert.
 *
 * <p>Outputs keep the input record's timestamp (ingest's wall clock): a log's claims about time ({@code
 * integratedTime}, CT timestamps) are evidence carried in the value, never Kafka record timestamps — the broker
 * refuses a timestamp an hour in the future, and a negative one cannot be produced at all.
 *
 * <p>It also tells the CT ⋈ Rekor join how far each log is proven: once every entry of a log below an audited size
 * N has been forwarded, it forwards a {@link LogPositions position} (N, the audited checkpoint's observation time)
 * after them, which the topology sends to every partition of the join.
 */
final class ParseProcessor<V extends SpecificRecord> implements Processor<String, V, String, SpecificRecord> {
  static final String POSITIONS_STORE = "match-parse-positions";

  private final RecordBoundary boundary;
  private final LogEvidence evidence;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, String> stored;
  private final Map<String, LogPositions.Position> positions = new HashMap<>();

  ParseProcessor(Clock clock, LogEvidence evidence) {
    this.boundary = new RecordBoundary(new RejectedRecords(clock));
    this.evidence = evidence;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    stored = context.getStateStore(POSITIONS_STORE);
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> positions.forEach(this::mark));
  }

  @Override
  public void process(Record<String, V> record) {
    V value = record.value();
    if (value == null) {
      return;
    }
    String logId;
    long leaf;
    IdentitySource side;
    if (value instanceof RekorEntry r) {
      logId = r.getLogId();
      leaf = r.getLeafIndex();
      side = IdentitySource.REKOR;
    } else {
      CtEntry c = (CtEntry) value;
      logId = c.getLogId();
      leaf = c.getIndex();
      side = IdentitySource.CT;
    }
    List<IdentityEvent> events = List.of();
    List<String> badSigners = List.of();
    String mismatch = null;
    try {
      Long truncated = value instanceof RekorEntry r ? r.getServedBytes() : ((CtEntry) value).getServedBytes();
      if (truncated != null) {
        // Too big for one Kafka record: ingest kept its first bytes and its leaf hash (the audit still covers it).
        throw new IllegalArgumentException("entry of " + truncated + " bytes was truncated at ingest: it exceeds the"
            + " Kafka record size limit; its leaf is audited from the hash ingest computed");
      }
      if (value instanceof RekorEntry r) {
        IdentityEvents.RekorIdentities ids = IdentityEvents.identities(r);
        events = ids.events();
        badSigners = ids.badSigners();
      } else {
        CtEntries.Result ct = CtEntries.parse((CtEntry) value);
        events = List.of(ct.event());
        mismatch = ct.extraDataMismatch();
      }
    } catch (Throwable t) {
      RecordBoundary.rethrowIfFatal(t);
      boundary.reject(context, record, logId, index(value), uuid(value), null, RecordBoundary.reason("parsing", t),
          raw(value));
    }
    for (IdentityEvent e : events) {
      context.forward(new Record<>(IdentityEvents.key(e), (SpecificRecord) e, record.timestamp()));
    }
    for (String bad : badSigners) {
      boundary.reject(context, record, logId, index(value), uuid(value), bad.substring(0, bad.indexOf(':')), bad,
          raw(value));
    }
    if (mismatch != null) {
      context.forward(LogPositions.mismatchAlert(events.get(0), mismatch, record.timestamp()));
    }
    LogPositions.Position p = positions.computeIfAbsent(logId, k -> LogPositions.Position.restore(stored.get(k), side,
        leaf, ((value instanceof RekorEntry r) ? r.getObservedAtMillis() : ((CtEntry) value).getObservedAtMillis())));
    p.processed(leaf);
    mark(logId, p);
  }

  /** Forwards a position for {@code logId} if verify has audited further than the last one and match has caught up. */
  private void mark(String logId, LogPositions.Position p) {
    LogEvidence.Audited a = evidence.auditedUpTo(logId, p.next());
    if (a == null) return;
    LogEvidence.Frozen f = evidence.frozen(logId);
    boolean complete = f != null && a.size() >= f.size();
    if (!p.advance(a.size(), complete)) return;
    stored.put(logId, p.encode());
    IdentityEvent marker = LogPositions.marker(logId, p, a, context.currentSystemTimeMs());
    context.forward(new Record<>(LogPositions.KEY_PREFIX + logId, (SpecificRecord) marker, context.currentSystemTimeMs()));
  }

  private static long index(SpecificRecord v) {
    return v instanceof RekorEntry r ? r.getLogIndex() : ((CtEntry) v).getIndex();
  }

  private static String uuid(SpecificRecord v) {
    return v instanceof RekorEntry r ? r.getUuid() : null;
  }

  private static byte[] raw(SpecificRecord v) {
    ByteBuffer b = v instanceof RekorEntry r ? r.getBody() : ((CtEntry) v).getLeafInput();
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
