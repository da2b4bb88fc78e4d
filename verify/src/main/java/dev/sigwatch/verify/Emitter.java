package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a processor's outputs. An alert is forwarded only the first time its deterministic id is seen (the ids
 * live in a changelogged store), so a replay or a restart never repeats it. Confined to one processor's thread.
 */
final class Emitter {

  private static final Logger log = LoggerFactory.getLogger(Emitter.class);

  private final ProcessorContext<String, VerifyOutput> context;
  private final KeyValueStore<String, Long> alertIds;
  private final RejectedRecords rejected = new RejectedRecords(Clock.systemUTC());

  Emitter(ProcessorContext<String, VerifyOutput> context, KeyValueStore<String, Long> alertIds) {
    this.context = context;
    this.alertIds = alertIds;
  }

  /** Forwards the alert unless one with its id was forwarded before; returns whether it was forwarded. */
  boolean alert(Record<?, ?> cause, Alert a) {
    if (alertIds.get(a.getAlertId()) != null) {
      log.debug("{}: alert {} {} already raised", a.getLogId(), a.getType(), a.getAlertId());
      return false;
    }
    alertIds.put(a.getAlertId(), a.getCreatedAtMillis());
    log.warn("{}: {} alert: {}", a.getLogId(), a.getType(), a.getSummary());
    context.forward(new Record<>(a.getAlertId(), new VerifyOutput.AlertOut(a), cause.timestamp()));
    return true;
  }

  void event(Record<?, ?> cause, LogEvent e) {
    context.forward(new Record<>(e.getLogId(), new VerifyOutput.EventOut(e), cause.timestamp()));
  }

  void verified(Record<?, ?> cause, dev.sigwatch.schemas.Checkpoint c) {
    context.forward(new Record<>(c.getLogId(), new VerifyOutput.Verified(c), cause.timestamp()));
  }

  /**
   * Hands a forked checkpoint to the full audit, marked with the verified head the log left ({@link Divergence}): the
   * audit does not audit against it, it only learns that the log's entries may now come from another tree.
   */
  void diverged(Record<?, ?> cause, dev.sigwatch.schemas.Checkpoint forked, Divergence d) {
    context.forward(new Record<>(forked.getLogId(), new VerifyOutput.Verified(forked), cause.timestamp(),
        d.headers()));
  }

  void reject(Record<?, ?> cause, String logId, String source, String reason) {
    var meta = context.recordMetadata();
    var r = rejected.of(source, reason, meta.map(m -> m.topic()).orElse(null),
        meta.map(m -> m.partition()).orElse(null), meta.map(m -> m.offset()).orElse(null), null, null);
    r.setLogId(logId == null || logId.isEmpty() ? null : logId);
    log.warn("{}: rejecting a record to the DLQ: {}", logId, reason);
    context.forward(new Record<>(source, new VerifyOutput.Rejected(r), cause.timestamp()));
  }
}
