package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.verify.Anchors.AnchorException;
import dev.sigwatch.verify.AuditState.Pending;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full audit: appends every entry's leaf hash, in index order, to the log's compact range, and compares the root
 * whenever the range reaches the size of a verified checkpoint (TAMPERED_ENTRIES naming the range on mismatch).
 * Checkpoints ahead of the entries wait in the state; entries ahead of every checkpoint wait (as 32-byte hashes) in
 * the state's leaf buffer, so the two inputs may arrive in either order. The state is live in memory and written
 * to its store at each commit ({@link AuditStore} explains why that stays exactly-once). A skipped index is an ENTRY_GAP alert, never a
 * silent skip. One instance per task; not thread-safe (Kafka Streams confines it to its stream thread).
 */
final class AuditProcessor implements Processor<String, AuditInput, String, VerifyOutput> {

  private static final Logger log = LoggerFactory.getLogger(AuditProcessor.class);

  private final Duration backlogAfter;
  private final Duration checkInterval;
  private final int bufferLimit;
  private AuditStore states;
  private Emitter emit;

  AuditProcessor(VerifySettings settings) {
    this.backlogAfter = settings.backlogAfter();
    this.checkInterval = settings.livenessInterval();
    this.bufferLimit = settings.auditBufferLimit();
  }

  @Override
  public void init(ProcessorContext<String, VerifyOutput> context) {
    this.states = context.getStateStore(VerifyTopology.AUDIT_STATE_STORE);
    this.emit = new Emitter(context, context.getStateStore(VerifyTopology.AUDIT_ALERT_IDS_STORE));
    context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkBacklog);
  }

  @Override
  public void process(Record<String, AuditInput> record) {
    AuditInput in = record.value();
    if (in instanceof AuditInput.Entry e) {
      onEntry(record, e);
    } else if (in instanceof AuditInput.Verified v) {
      onCheckpoint(record, v.logId(), v.checkpoint());
    } else if (in instanceof AuditInput.Bad b) {
      emit.reject(record, b.logId(), "verify.audit", b.reason());
    }
  }

  /**
   * The monitor's own health, like certspotter's healthchecks: a verified checkpoint whose entries have not all
   * arrived {@code backlogAfter} after ingest observed it means ingest cannot fetch (errors, limits) or keep up.
   * One HEALTH alert per stuck checkpoint (its id names the log and the checkpoint), however long it stays stuck.
   */
  private void checkBacklog(long now) {
    for (String logId : states.logIds()) {
      AuditState s = states.get(logId);
      if (s.pending.isEmpty()) continue;
      Pending p = s.pending.firstEntry().getValue();
      long age = now - p.observedAtMillis();
      if (age <= backlogAfter.toMillis()) continue;
      long have = s.anchored() ? s.nextIndex : s.auditedSize;
      String id = Findings.id(Findings.HEALTH, logId, "backlog", p.size(), p.root());
      emit.alert(new Record<>(logId, null, now), Findings.alert(id, Findings.HEALTH, logId, have,
          String.format(Locale.ROOT, "%s: monitor backlog: entries [%d, %d) of a checkpoint observed %s ago have not "
              + "arrived (ingest fetch errors or lag)", logId, have, p.size(), Duration.ofMillis(age)),
          Map.of("reason", "backlog", "missingFrom", Long.toString(have), "checkpointSize", Long.toString(p.size()),
              "observedAtMillis", Long.toString(p.observedAtMillis()), "backlogAfter", backlogAfter.toString()),
          now));
    }
  }

  private AuditState state(String logId) {
    return states.get(logId);
  }

  private void save(String logId, AuditState s) {
    states.markDirty(logId);
  }

  private void onEntry(Record<String, AuditInput> record, AuditInput.Entry e) {
    String logId = e.logId();
    AuditState s = state(logId);
    long i = e.index();
    if (s.anchored()) {
      if (i < s.nextIndex) {
        log.trace("{}: entry {} already audited or buffered, ignoring the duplicate", logId, i);
        return;
      }
      if (i > s.nextIndex) {
        String id = Findings.id(Findings.ENTRY_GAP, logId, s.nextIndex, i);
        emit.alert(record, Findings.alert(id, Findings.ENTRY_GAP, logId, s.nextIndex,
            String.format(Locale.ROOT, "%s: entries [%d, %d) are missing from the entry stream", logId, s.nextIndex, i),
            Map.of("expectedIndex", Long.toString(s.nextIndex), "receivedIndex", Long.toString(i)),
            e.observedAtMillis()));
        s.buffer.reset(0);
        s.range = null;
        s.unanchoredReported = false;
      }
    }
    if (!s.anchored()) {
      if (s.unanchoredReported && s.pending.isEmpty()) {
        // Stopped (tampered entries, an unanchorable entry, the buffer bound): wait for a verified checkpoint to
        // compare against before holding entries again, so that failing checkpoints cannot grow the buffer.
        log.trace("{}: entry {} not audited: no verified checkpoint ahead", logId, i);
        return;
      }
      try {
        s.range = Anchors.beforeEntry(i, e.leafHash(), e.raw() == null ? null : CheckpointSignatures.bytes(e.raw()));
      } catch (AnchorException ex) {
        if (!s.unanchoredReported) {
          String id = Findings.id(Findings.HEALTH, logId, "unanchored", i);
          emit.alert(record, Findings.alert(id, Findings.HEALTH, logId, i,
              logId + ": cannot audit from entry " + i + ": " + ex.getMessage(),
              Map.of("reason", ex.getMessage()), e.observedAtMillis()));
          s.unanchoredReported = true;
          save(logId, s);
        }
        return;
      }
      log.info("{}: full audit starts at entry {}", logId, i);
      s.nextIndex = i;
      s.buffer.reset(i);
      s.auditedSize = i;
      s.unanchoredReported = false;
      advance(record, logId, s);
    }
    if (!s.pending.isEmpty() && s.buffer.isEmpty()) {
      s.range.append(e.leafHash());
      s.nextIndex++;
      s.buffer.reset(s.nextIndex);
      advance(record, logId, s);
    } else {
      s.buffer.add(e.leafHash());
      s.nextIndex++;
      if (s.buffer.size() > bufferLimit) suspend(record, logId, s, e.observedAtMillis());
    }
    save(logId, s);
  }

  /**
   * No verified checkpoint covers the buffered entries and they reached the bound: drop them, say so loudly, and
   * re-anchor at the first entry after the next verified checkpoint (entries in between are not audited).
   */
  private void suspend(Record<String, AuditInput> record, String logId, AuditState s, long at) {
    long from = s.buffer.start();
    long to = s.nextIndex;
    String id = Findings.id(Findings.HEALTH, logId, "audit-buffer", from);
    String reason = String.format(Locale.ROOT, "no verified checkpoint covers entries [%d, %d): %d leaf hashes held, "
        + "over the bound of %d; the audit drops them and re-anchors after the next verified checkpoint", from, to,
        to - from, bufferLimit);
    emit.alert(record, Findings.alert(id, Findings.HEALTH, logId, from,
        logId + ": full audit suspended: " + reason,
        Map.of("reason", "audit buffer bound", "detail", reason, "bufferedFrom", Long.toString(from),
            "bufferedTo", Long.toString(to), "auditBufferLimit", Integer.toString(bufferLimit)), at));
    log.warn("{}: full audit suspended: {}", logId, reason);
    s.buffer.reset(0);
    s.range = null;
    s.unanchoredReported = true;
  }

  private void onCheckpoint(Record<String, AuditInput> record, String logId, Checkpoint c) {
    AuditState s = state(logId);
    long size = c.getTreeSize();
    if (size == 0 || (s.anchored() && size < s.range.size()) || size <= s.auditedSize) {
      log.debug("{}: checkpoint {} is behind the audit (at {}), nothing to compare", logId, size, s.auditedSize);
      return;
    }
    s.addPending(new Pending(size, CheckpointSignatures.bytes(c.getRootHash()),
        CheckpointSignatures.bytes(c.getRawNote()), c.getObservedAtMillis()));
    if (s.anchored()) advance(record, logId, s);
    save(logId, s);
  }

  /** Drains buffered leaves into the range and compares at every pending checkpoint size it reaches. */
  private void advance(Record<String, AuditInput> record, String logId, AuditState s) {
    while (s.anchored() && !s.pending.isEmpty()) {
      Pending p = s.pending.firstEntry().getValue();
      CompactRange range = s.range;
      if (p.size() < range.size()) {
        s.pending.pollFirstEntry();
      } else if (p.size() == range.size()) {
        s.pending.pollFirstEntry();
        compare(record, logId, s, p);
      } else if (range.size() < s.nextIndex) {
        long end = Math.min(p.size(), s.nextIndex);
        if (s.buffer.start() != range.size()) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "%s: leaf buffer starts at %d but the range is at %d", logId, s.buffer.start(), range.size()));
        }
        while (range.size() < end) range.append(s.buffer.poll());
      } else {
        return;
      }
    }
  }

  private void compare(Record<String, AuditInput> record, String logId, AuditState s, Pending p) {
    byte[] computed = s.range.root();
    if (Arrays.equals(computed, p.root())) {
      emit.event(record, Findings.event("AUDITED", logId, p.size(), p.root(), p.observedAtMillis(),
          Map.of("from", Long.toString(s.auditedSize))));
      s.auditedSize = p.size();
      return;
    }
    String id = Findings.id(Findings.TAMPERED_ENTRIES, logId, s.auditedSize, p.size(), p.root(), computed);
    emit.alert(record, Findings.alert(id, Findings.TAMPERED_ENTRIES, logId, s.auditedSize,
        String.format(Locale.ROOT, "%s: entries [%d, %d) do not hash to the signed root of size %d",
            logId, s.auditedSize, p.size(), p.size()),
        Map.of("rangeStart", Long.toString(s.auditedSize), "rangeEnd", Long.toString(p.size()),
            "signedRoot", Findings.hex(p.root()), "computedRoot", Findings.hex(computed),
            "checkpoint", new String(p.rawNote(), StandardCharsets.UTF_8)),
        p.observedAtMillis()));
    log.warn("{}: tampered entries in [{}, {}); the audit stops until an entry re-anchors it", logId, s.auditedSize, p.size());
    s.buffer.reset(0);
    s.range = null;
    s.unanchoredReported = true; // the alert above already says the audit stopped
  }
}
