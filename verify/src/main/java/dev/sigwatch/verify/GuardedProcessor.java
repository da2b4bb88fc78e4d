package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one bad record from stopping the stage. An unexpected exception while processing a record (a bug, a broken
 * invariant) is rethrown: Kafka Streams aborts the transaction, the stage's uncaught-exception handler replaces the
 * stream thread ({@link VerifyService}), and the record is processed again from the last commit, so a transient
 * failure loses nothing. The same record failing {@value #MAX_ATTEMPTS} times is a poison record: the next attempt
 * skips it to the DLQ with the exception as the reason, and raises a HEALTH alert naming it, instead of a crash loop.
 *
 * <p>Attempts are counted per application, topic, partition and offset in a JVM-wide map (it must outlive the
 * replaced thread and its task), bounded by {@value #MAX_TRACKED} entries. Confined to its task's thread, except for
 * that map, which is concurrent.
 */
final class GuardedProcessor<K, V> implements Processor<K, V, String, VerifyOutput> {

  private static final Logger log = LoggerFactory.getLogger(GuardedProcessor.class);
  /** Attempts before a record is skipped: enough to ride out a transient failure, few enough to recover in seconds. */
  static final int MAX_ATTEMPTS = 3;
  private static final int MAX_TRACKED = 10_000;
  private static final Map<String, Integer> ATTEMPTS = new ConcurrentHashMap<>();
  private static final AtomicLong SKIPPED = new AtomicLong();

  private final String applicationId;
  private final String source;
  private final Processor<K, V, String, VerifyOutput> delegate;
  private final RejectedRecords rejected = new RejectedRecords(Clock.systemUTC());
  private ProcessorContext<String, VerifyOutput> context;

  GuardedProcessor(String applicationId, String source, Processor<K, V, String, VerifyOutput> delegate) {
    this.applicationId = applicationId;
    this.source = source;
    this.delegate = delegate;
  }

  /** Records skipped as poison by every guarded processor of this JVM. */
  static long skipped() {
    return SKIPPED.get();
  }

  @Override
  public void init(ProcessorContext<String, VerifyOutput> context) {
    this.context = context;
    delegate.init(context);
  }

  @Override
  public void process(Record<K, V> record) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    String key = m == null ? null : applicationId + "/" + m.topic() + "/" + m.partition() + "/" + m.offset();
    Integer failed = key == null ? null : ATTEMPTS.get(key);
    if (failed != null && failed >= MAX_ATTEMPTS) {
      skip(record, m, key);
      return;
    }
    try {
      delegate.process(record);
      if (failed != null) ATTEMPTS.remove(key);
    } catch (RuntimeException e) {
      if (key != null) {
        if (ATTEMPTS.size() >= MAX_TRACKED) ATTEMPTS.clear();
        ATTEMPTS.merge(key, 1, Integer::sum);
      }
      log.error("{}: processing {} failed (attempt {}/{}): {}", source, key, failed == null ? 1 : failed + 1,
          MAX_ATTEMPTS, e.toString(), e);
      throw e;
    }
  }

  private void skip(Record<K, V> record, RecordMetadata m, String key) {
    ATTEMPTS.remove(key);
    SKIPPED.incrementAndGet();
    String reason = "processing failed " + MAX_ATTEMPTS + " times; skipped as a poison record";
    String logId = record.key() == null ? null : record.key().toString();
    RejectedRecord r = rejected.of(source, reason, m.topic(), m.partition(), m.offset(), null, null);
    r.setLogId(logId);
    context.forward(new Record<>(source, new VerifyOutput.Rejected(r), record.timestamp()));
    String id = Findings.id(Findings.HEALTH, logId == null ? "" : logId, "poison", m.topic(), m.partition(),
        m.offset());
    Alert a = Findings.alert(id, Findings.HEALTH, logId == null ? source : logId, null, String.format(
        java.util.Locale.ROOT, "%s: record %s-%d@%d failed %d times and was skipped to the DLQ: the stage goes on "
            + "without it", source, m.topic(), m.partition(), m.offset(), MAX_ATTEMPTS),
        Map.of("topic", m.topic(), "partition", Integer.toString(m.partition()), "offset", Long.toString(m.offset()),
            "reason", reason), System.currentTimeMillis());
    context.forward(new Record<>(id, new VerifyOutput.AlertOut(a), record.timestamp()));
    log.error("{}: skipped poison record {} to the DLQ after {} failed attempts", source, key, MAX_ATTEMPTS);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
