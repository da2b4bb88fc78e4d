package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.verify.Anchors.AnchorException;
import dev.sigwatch.verify.AuditState.Pending;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full audit: appends every entry's leaf hash, in index order, to the log's compact range, and compares the root
 * whenever the range reaches the size of a verified checkpoint (TAMPERED_ENTRIES naming the range on mismatch).
 * Checkpoints ahead of the entries wait in the state; entries ahead of every checkpoint wait (as 32-byte hashes) in
 * the state's leaf buffer, so the two inputs may arrive in either order. The state is live in memory and written
 * to its store at each commit ({@link AuditStore} explains why that stays exactly-once). A skipped index is an
 * ENTRY_GAP alert, never a silent skip. One instance per task; not thread-safe (Kafka Streams confines it to its
 * stream thread).
 *
 * <p><b>Anchors.</b> The audit starts (and, after a gap or a tamper, starts again) at an anchor: the frontier of
 * {@code [0, N)}. Index 0 needs none; a Rekor v1 entry brings one in its inclusion proof ({@link Anchors}); every other
 * family gets it with its verified checkpoints: ingest derives the tree's frontier (from the hash tiles, or from the
 * RFC 6962 inclusion proof of the last leaf) and publishes it with the checkpoint, and it is used only if it hashes
 * to the checkpoint's signed root. Until an anchor arrives, entries are held (up to the buffer bound) so that one at
 * any index among them can start the audit. A root mismatch is TAMPERED_ENTRIES only when the anchor is proven (by a
 * signed root: a checkpoint's frontier, a Rekor v1 proof for a verified checkpoint's root, or an earlier matching
 * comparison); otherwise it is a HEALTH alert saying the audit cannot tell tampered entries from a wrong proof.
 */
final class AuditProcessor implements Processor<String, AuditInput, String, VerifyOutput> {

  private static final Logger log = LoggerFactory.getLogger(AuditProcessor.class);

  /**
   * How long a TAMPERED_ENTRIES alert waits for the FORK that would explain it: a log forked while ingest reads the
   * old tree's range serves the rest of it from the new tree, and the forked head reaches the audit (ingest's next
   * poll, the checkpoint processor, the repartition) a second or two after those entries. Three seconds cover a 1 s
   * poll with room; integrity alerts stay well within the 5 s a user expects of them.
   */
  static final Duration FORK_GRACE = Duration.ofSeconds(3);
  private static final Duration HELD_CHECK = Duration.ofMillis(250);

  private final Duration backlogAfter;
  private final Duration checkInterval;
  private final int bufferLimit;
  private AuditStore states;
  private ProcessorContext<String, VerifyOutput> context;
  /** Forks known to the audit and the tampers waiting for one ({@link #FORK_GRACE}). */
  private TamperHold tampers;
  private Emitter emit;

  AuditProcessor(VerifySettings settings) {
    this.backlogAfter = settings.backlogAfter();
    this.checkInterval = settings.livenessInterval();
    this.bufferLimit = settings.auditBufferLimit();
  }

  @Override
  public void init(ProcessorContext<String, VerifyOutput> context) {
    this.context = context;
    this.states = context.getStateStore(VerifyTopology.AUDIT_STATE_STORE);
    this.emit = new Emitter(context, context.getStateStore(VerifyTopology.AUDIT_ALERT_IDS_STORE));
    context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkBacklog);
    this.tampers = new TamperHold(context.getStateStore(VerifyTopology.AUDIT_HELD_STORE));
    context.schedule(HELD_CHECK, PunctuationType.WALL_CLOCK_TIME, this::releaseHeld);
  }

  @Override
  public void process(Record<String, AuditInput> record) {
    AuditInput in = record.value();
    if (in instanceof AuditInput.Entry e) {
      onEntry(record, e);
    } else if (in instanceof AuditInput.Verified v) {
      Divergence d = Divergence.of(record.headers());
      if (d != null) {
        diverged(record, v.logId(), d);
      } else {
        onCheckpoint(record, v.logId(), v.checkpoint());
      }
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
      long have = s.nextIndex; // entries seen so far (held while unanchored: then a missing anchor is the issue)
      if (have >= p.size()) continue;
      emit.alert(new Record<>(logId, null, now), AuditAlerts.backlog(logId, p, have, age, backlogAfter, now));
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
    if (i < s.nextIndex) {
      log.trace("{}: entry {} already audited or held, ignoring the duplicate", logId, i);
      return;
    }
    if (s.anchored() && i > s.nextIndex) {
      emit.alert(record, AuditAlerts.entryGap(logId, s.nextIndex, i, e.observedAtMillis()));
      log.warn("{}: entries [{}, {}) missing from the entry stream; the audit re-anchors after them", logId, s.nextIndex, i);
      unanchor(s);
      s.unanchoredReported = false;
    }
    if (!s.anchored()) {
      if (i > s.nextIndex) restartRun(s, i);
      // Stopped (tampered entries without an anchor after them, the buffer bound): a Rekor v1 entry anchors again only
      // once a verified checkpoint is ahead, so that failing checkpoints cannot make it fill and drop the buffer over
      // and over. Held entries are bounded either way.
      boolean stopped = s.unanchoredReported && s.pending.isEmpty();
      if (!stopped && (i == 0 || e.raw() != null)) anchorAtEntry(record, logId, s, e);
      if (!s.anchored()) {
        hold(record, logId, s, e);
        if (tryAnchor(logId, s)) advance(record, logId, s);
        save(logId, s);
        return;
      }
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

  /** Unanchored: the held run of entries starts again at {@code index} (what was held before cannot be used). */
  private static void restartRun(AuditState s, long index) {
    s.buffer.reset(index);
    s.nextIndex = index;
    while (!s.pending.isEmpty() && s.pending.firstKey() < index) s.pending.pollFirstEntry(); // can never anchor now
  }

  /** Drops the anchor; the leaves held after it stay, as the unanchored run. */
  private static void unanchor(AuditState s) {
    s.range = null;
    s.proven = false;
    s.claimSize = -1;
    s.claimRoot = null;
  }

  /** Starts the audit at {@code index} with the frontier {@code range} of {@code [0, index)}. */
  private void anchor(String logId, AuditState s, long index, CompactRange range, boolean proven, String how) {
    s.range = range;
    s.proven = proven;
    s.claimSize = -1;
    s.claimRoot = null;
    s.auditedSize = index;
    s.unanchoredReported = false;
    if (index >= s.buffer.start() && index <= s.buffer.end()) {
      while (s.buffer.start() < index) s.buffer.poll();
    } else {
      s.buffer.reset(index);
      s.nextIndex = index;
    }
    log.info("{}: full audit starts at entry {} ({})", logId, index, how);
  }

  /** Index 0, or a Rekor v1 entry: its inclusion proof gives the frontier before it. */
  private void anchorAtEntry(Record<String, AuditInput> record, String logId, AuditState s, AuditInput.Entry e) {
    long i = e.index();
    try {
      Anchors.Anchor a = Anchors.beforeEntry(i, e.leafHash(), e.raw() == null ? null : CheckpointSignatures.bytes(e.raw()));
      boolean proven = a.proofSize() < 0;
      Pending signed = proven ? null : s.pending.get(a.proofSize());
      if (signed != null && !Arrays.equals(signed.root(), a.proofRoot())) {
        throw new AnchorException(String.format(Locale.ROOT, "its inclusion proof leads to root %s at size %d, but the "
            + "verified checkpoint of that size has root %s", Findings.hex(a.proofRoot()), a.proofSize(),
            Findings.hex(signed.root())));
      }
      restartRun(s, i);
      anchor(logId, s, i, a.range(), proven || signed != null,
          proven ? "the empty tree" : "inclusion proof of entry " + i + " to size " + a.proofSize());
      if (!s.proven) {
        s.claimSize = a.proofSize();
        s.claimRoot = a.proofRoot();
      }
    } catch (AnchorException ex) {
      if (!s.unanchoredReported) {
        emit.alert(record, AuditAlerts.unanchored(logId, i, ex.getMessage(), e.observedAtMillis()));
        s.unanchoredReported = true;
      }
    }
  }

  /**
   * Unanchored: holds the entry's leaf until an anchor among the held ones arrives. Past the buffer bound the run is
   * dropped (once said loudly) and the audit starts at the next anchor after it.
   */
  private void hold(Record<String, AuditInput> record, String logId, AuditState s, AuditInput.Entry e) {
    s.buffer.add(e.leafHash());
    s.nextIndex++;
    if (s.buffer.size() <= bufferLimit) return;
    long from = s.buffer.start();
    if (!s.unanchoredReported) {
      Alert a = AuditAlerts.heldOverBound(logId, from, s.nextIndex, e.raw() != null, bufferLimit, e.observedAtMillis());
      emit.alert(record, a);
      log.warn("{}: cannot audit from entry {}: {}", logId, from, a.getEvidence().get("detail"));
      s.unanchoredReported = true;
    }
    restartRun(s, s.nextIndex);
  }

  /**
   * No verified checkpoint covers the buffered entries and they reached the bound: drop them, say so loudly, and
   * re-anchor at the first entry after the next verified checkpoint (entries in between are not audited).
   */
  private void suspend(Record<String, AuditInput> record, String logId, AuditState s, long at) {
    long from = s.buffer.start();
    long to = s.nextIndex;
    Alert a = AuditAlerts.suspended(logId, from, to, bufferLimit, at);
    emit.alert(record, a);
    log.warn("{}: full audit suspended: {}", logId, a.getEvidence().get("detail"));
    unanchor(s);
    restartRun(s, to);
    s.unanchoredReported = true;
  }

  private void onCheckpoint(Record<String, AuditInput> record, String logId, Checkpoint c) {
    AuditState s = state(logId);
    long size = c.getTreeSize();
    byte[] root = CheckpointSignatures.bytes(c.getRootHash());
    if (s.anchored() && !s.proven && s.claimSize == size) {
      if (Arrays.equals(root, s.claimRoot)) {
        s.proven = true;
        s.claimSize = -1;
        s.claimRoot = null;
      } else {
        Alert a = AuditAlerts.anchorDisproven(logId, s.auditedSize, s.claimRoot, c, root);
        emit.alert(record, a);
        log.warn("{}: {}", logId, a.getEvidence().get("detail"));
        unanchor(s);
      }
    }
    if (size == 0 || (s.anchored() && size < s.range.size()) || size <= s.auditedSize
        || (!s.anchored() && size < s.buffer.start())) {
      log.debug("{}: checkpoint {} is behind the audit (at {}), nothing to compare", logId, size, s.auditedSize);
      save(logId, s);
      return;
    }
    s.addPending(new Pending(size, root, CheckpointSignatures.bytes(c.getRawNote()), c.getObservedAtMillis(),
        frontier(record, logId, c, root)));
    if (!s.anchored() && !tryAnchor(logId, s)) reportNoAnchor(record, logId, s, c);
    if (s.anchored()) advance(record, logId, s);
    save(logId, s);
  }

  /**
   * The frontier published with a verified checkpoint if it hashes to the signed root, else empty (a HEALTH alert
   * once per checkpoint when one was published but does not hash to the root: never an anchor).
   */
  private List<byte[]> frontier(Record<String, AuditInput> record, String logId, Checkpoint c, byte[] root) {
    List<ByteBuffer> served = c.getFrontier();
    if (served == null || served.isEmpty()) return List.of();
    List<byte[]> hashes = new ArrayList<>(served.size());
    for (ByteBuffer h : served) hashes.add(CheckpointSignatures.bytes(h));
    String why;
    try {
      byte[] computed = CompactRange.fromFrontier(c.getTreeSize(), hashes).root();
      if (Arrays.equals(computed, root)) return hashes;
      why = "it hashes to " + Findings.hex(computed) + ", not to the signed root " + Findings.hex(root);
    } catch (ProofException e) {
      why = e.getMessage();
    }
    Alert a = AuditAlerts.frontierUnproven(logId, c, root, why);
    emit.alert(record, a);
    log.warn("{}: {}", logId, a.getEvidence().get("detail"));
    return List.of();
  }

  /**
   * Unanchored: starts the audit at the first pending checkpoint whose proven frontier the held entries reach, so
   * that no entry the stream still brings is skipped (a frontier ahead of the entries waits for them: read from
   * index 0, entry 0 anchors before a later checkpoint could).
   */
  private boolean tryAnchor(String logId, AuditState s) {
    for (Pending p : s.pending.values()) {
      if (p.size() > s.buffer.end()) return false;
      if (!p.anchors() || p.size() < s.buffer.start()) continue;
      try {
        anchor(logId, s, p.size(), p.size() == 0 ? CompactRange.empty() : CompactRange.fromFrontier(p.size(), p.frontier()),
            true, "frontier of the verified checkpoint of size " + p.size());
      } catch (ProofException e) {
        throw new IllegalStateException(logId + ": a checked frontier no longer parses: " + e.getMessage(), e);
      }
      return true;
    }
    return false;
  }

  /** Unanchored and a verified checkpoint covers held entries but brings no frontier: said once. */
  private void reportNoAnchor(Record<String, AuditInput> record, String logId, AuditState s, Checkpoint c) {
    long size = c.getTreeSize();
    if (s.unanchoredReported || s.buffer.isEmpty() || size > s.buffer.end()) return;
    long from = s.buffer.start();
    Alert a = AuditAlerts.noAnchor(logId, from, size, c.getObservedAtMillis());
    emit.alert(record, a);
    log.warn("{}: cannot audit from entry {}: {}", logId, from, a.getEvidence().get("detail"));
    s.unanchoredReported = true;
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
        if (p.size() > s.auditedSize) compare(record, logId, s, p);
        if (!s.anchored()) tryAnchor(logId, s);
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

  /** The checkpoint processor proved that {@code logId} left its verified head: held tampers it explains are its. */
  private void diverged(Record<String, AuditInput> record, String logId, Divergence d) {
    for (Alert a : tampers.diverged(logId, d)) {
      emit.event(record, AuditAlerts.forkedEntries(a, d));
      log.warn("{}: the held TAMPERED_ENTRIES alert {} is the {}'s (the log left its verified head of size {}): "
          + "recorded as FORKED_ENTRIES, not raised", logId, a.getAlertId(), d.incidentType(), d.headSize());
    }
  }

  /** The wall-clock punctuator: raises the held alerts whose grace is over. */
  private void releaseHeld(long now) {
    for (Alert a : tampers.due(now)) emit.alert(new Record<>(a.getLogId(), null, now), a);
  }

  private void compare(Record<String, AuditInput> record, String logId, AuditState s, Pending p) {
    byte[] computed = s.range.root();
    if (Arrays.equals(computed, p.root())) {
      emit.event(record, Findings.event("AUDITED", logId, p.size(), p.root(), p.observedAtMillis(),
          Map.of("from", Long.toString(s.auditedSize))));
      s.auditedSize = p.size();
      s.proven = true;
      s.claimSize = -1;
      s.claimRoot = null;
      return;
    }
    long from = s.auditedSize;
    Divergence forked = tampers.explaining(logId, p.size());
    if (s.proven) {
      Alert a = AuditAlerts.tampered(logId, from, p, computed, s.range.frontier());
      if (forked != null) {
        // The log has since served a signed tree that does not extend this head (FORK, raised by the checkpoint
        // processor): entries fetched after it forked come from that tree and cannot hash to the head's root. That is
        // the fork itself, already alerted; the mismatch is recorded as its evidence, not raised as a second incident.
        emit.event(record, AuditAlerts.forkedEntries(a, forked));
        log.warn("{}: entries [{}, {}) do not hash to the signed root of size {}: the log left its verified head of "
            + "size {} ({}), the entries come from its other tree", logId, from, p.size(), p.size(), forked.headSize(),
            forked.incidentType());
      } else {
        // A fork found while ingest still reads the old tree's range reaches the audit a moment after the entries
        // it explains (ingest publishes the forked head after them; it goes through the checkpoint processor first).
        tampers.hold(a, context.currentSystemTimeMs() + FORK_GRACE.toMillis());
        log.warn("{}: tampered entries in [{}, {}){}; raising TAMPERED_ENTRIES in {} s unless the log turns out to "
            + "have forked", logId, from, p.size(), AuditAlerts.where(a), FORK_GRACE.toSeconds());
      }
    } else {
      emit.alert(record, AuditAlerts.anchorUnproven(logId, from, p, computed, s.claimSize, s.claimRoot));
      log.warn("{}: entries [{}, {}) do not hash to the signed root from an unproven anchor; re-anchoring", logId, from,
          p.size());
    }
    if (p.anchors()) {
      try {
        s.range = CompactRange.fromFrontier(p.size(), p.frontier());
      } catch (ProofException e) {
        throw new IllegalStateException(logId + ": a checked frontier no longer parses: " + e.getMessage(), e);
      }
      s.auditedSize = p.size();
      s.proven = true;
      s.claimSize = -1;
      s.claimRoot = null;
      log.info("{}: full audit goes on from the verified checkpoint of size {} (its frontier)", logId, p.size());
    } else {
      unanchor(s);
      s.unanchoredReported = true; // the alert above already says the audit stopped
    }
  }
}
