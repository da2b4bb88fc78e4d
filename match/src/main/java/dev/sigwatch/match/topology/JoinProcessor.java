package dev.sigwatch.match.topology;

import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * CT ⋈ Rekor on the precertificate TBS hash (records arrive keyed by it):
 * <ul>
 *   <li>a CT issuance matching the watchlist that no Rekor log uses → UNUSED_CERTIFICATE (HIGH);</li>
 *   <li>a Rekor use of a Fulcio-chained certificate that no CT log holds → UNLOGGED_CERTIFICATE (CRITICAL); the chain
 *       is checked only then, never per entry.</li>
 * </ul>
 *
 * <p><b>Both alerts claim an absence, so each needs evidence of absence.</b> The domain of the join is the
 * certificate's own validity, {@code [notBefore, notAfter]} (ten minutes for Fulcio): a use outside it is no valid
 * use, and Fulcio logs the precertificate before it issues. "Log L holds no entry for this certificate" is proven
 * only when L is <em>read and audited past the window</em>: verify audited L at size N from a checkpoint observed at
 * T ≥ notAfter + {@code grace}, and every entry of L below N has reached this task — a {@link LogPositions position}
 * (N, T) arrives behind them. {@code grace} covers a log's integration delay and the age of the checkpoint it serves.
 * An alert fires only when every log of the other side is so proven; clocks play no part (Rekor v2 entries carry no
 * time, backfilled entries are months old, logs are read at different speeds: none of that can make one fire).
 *
 * <p>Which logs: every log verify has reported (the global {@link LogEvidence}) plus every log with a position here.
 * A log verify knows but match has not yet proven blocks every decision (it may be either side). A frozen shard read
 * to its end proves absence at any time; a frozen shard that was frozen before the certificate's notBefore is not
 * asked. A log match began reading after the certificate's window had begun ({@code startAt} past 0) can prove
 * nothing about it: such a pending side is dropped, undecided, never alerted. No CT log monitored, or a CT log
 * lagging: no UNLOGGED. A pending side that cannot be decided within {@link #MAX_WAIT} of real time — or within
 * {@code grace} when no log of the other side is known at all — is dropped undecided (bounded state; the safe
 * direction: no false alert). An entry that reaches this task after its own log was proven past the window was
 * integrated after it, outside the domain: it opens nothing.
 *
 * <p>State: the sides seen per hash with their deadlines ({@link Seen}), the pending sides, each log's proven
 * position — all changelogged — and a deadline index ({@code s|<side>|<notAfter+grace>|<hash>}, scanned up to the
 * other side's proven time, {@code X} for seen markers; {@code w|<wall ms>|<side>|<hash>} for the real-time bounds).
 * The index is derived state: a local store without a changelog, wiped and rebuilt from the seen and pending stores
 * at every {@link #init} (which runs after restoration, so it always matches the committed state). Per entry the join
 * writes two changelog records (the seen mark, and the pending side when it waits) instead of six; the index stays on
 * disk, so memory does not grow with the entries waiting. A pending Rekor side is stored slim ({@link #slim}: the
 * fields an UNLOGGED alert shows, without the Fulcio extensions and subjects).
 */
final class JoinProcessor implements Processor<String, IdentityEvent, String, Alert> {
  private static final Logger log = LoggerFactory.getLogger(JoinProcessor.class);
  static final String SEEN_STORE = "match-join-seen";
  static final String PENDING_STORE = "match-join-pending";
  static final String DEADLINE_STORE = "match-join-deadlines";
  /** Each log's proven position, from the last {@link LogPositions position} read. */
  static final String PROGRESS_STORE = "match-join-evidence";
  static final String EVENT = "s|";
  static final String WALL = "w|";
  /** Longest a pending side waits, in real time, for the other side's logs to be proven. */
  static final Duration MAX_WAIT = Duration.ofHours(6);

  private enum Verdict { PROVEN, WAIT, UNDECIDABLE }

  private final Duration grace;
  private final WatchlistState watchlist;
  private final ChainCheck chains;
  private final LogEvidence logs;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, String> seen;
  private KeyValueStore<String, IdentityEvent> pending;
  private KeyValueStore<String, String> deadlines; // derived, not changelogged: rebuilt at init
  private KeyValueStore<String, String> provenStore;
  private final Map<String, Proven> proven = new HashMap<>();

  JoinProcessor(Duration grace, WatchlistState watchlist, ChainCheck chains, LogEvidence logs) {
    this.grace = grace;
    this.watchlist = watchlist;
    this.chains = chains;
    this.logs = logs;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    seen = context.getStateStore(SEEN_STORE);
    pending = context.getStateStore(PENDING_STORE);
    deadlines = context.getStateStore(DEADLINE_STORE);
    provenStore = context.getStateStore(PROGRESS_STORE);
    proven.clear(); // init runs again on the same instance when a task is revived after an aborted transaction
    try (KeyValueIterator<String, String> it = provenStore.all()) {
      it.forEachRemaining(kv -> proven.put(kv.key, Proven.decode(kv.value)));
    }
    rebuildDeadlines(context.currentSystemTimeMs());
    Duration every = grace.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : grace.dividedBy(10);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expireWallClock);
  }

  @Override
  public void process(Record<String, IdentityEvent> record) {
    IdentityEvent e = record.value();
    if (record.key() == null || e == null) {
      return;
    }
    try {
      if (LogPositions.isPosition(e)) {
        onPosition(e);
      } else if (e.getNotAfterMillis() != null && e.getNotBeforeMillis() != null) {
        join(record.key(), e);
      }
    } catch (org.apache.kafka.common.KafkaException t) {
      throw t; // Kafka's own (a store, a fenced producer): for Kafka Streams to handle
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError t) {
      // The record boundary of the join: a failure on one record is logged and the stage goes on.
      log.warn("{}: CT ⋈ Rekor join skipped entry {}: {}", e.getLogId(), e.getLogIndex(),
          RecordBoundary.reason("joining", t));
    }
  }

  private void onPosition(IdentityEvent m) {
    Proven p = new Proven(m.getSource(), m.getLogIndex(), m.getObservedAtMillis(), m.getIntegratedTime(),
        "true".equals(m.getExtensions().get("frozen")));
    Proven old = proven.get(m.getLogId());
    if (old != null && (old.size() > p.size() || old.equals(p))) return;
    proven.put(m.getLogId(), p);
    provenStore.put(m.getLogId(), p.encode());
    long now = context.currentSystemTimeMs();
    long c = provenTo(IdentitySource.CT);
    long r = provenTo(IdentitySource.REKOR);
    expireEvent("C", IdentitySource.REKOR, r, now);
    expireEvent("R", IdentitySource.CT, c, now);
    expireEvent("X", null, Math.min(c, r), now);
  }

  private void join(String tbs, IdentityEvent e) {
    String side = e.getSource() == IdentitySource.CT ? "C" : "R";
    String other = side.equals("C") ? "R" : "C";
    long need = e.getNotAfterMillis() + grace.toMillis();
    long now = context.currentSystemTimeMs();
    String raw = seen.get(tbs);
    Seen s;
    if (raw == null) {
      s = new Seen("", need, now + MAX_WAIT.toMillis(), -1);
      deadlines.put(eventDeadline("X", need, tbs), "");
      deadlines.put(WALL + deadline(s.wall(), "X", tbs), Long.toString(now));
    } else {
      s = Seen.decode(raw);
    }
    String marks = s.marks();
    Seen marked = marks.contains(side) ? s : new Seen(marks + side, s.need(), s.wall(), s.arrived());
    // The other side is here: whatever it was waiting for has arrived. (Read first: a delete of an absent key would
    // still write a tombstone to the changelog, for every record.)
    if (pending.get(other + tbs) != null) pending.delete(other + tbs);
    if (marks.contains(other) || pending.get(side + tbs) != null || outsideDomain(e, need)
        || (side.equals("C") && watchlist.current().match(e).isEmpty())) {
      if (marked != s || raw == null) seen.put(tbs, marked.encode());
      return;
    }
    pending.put(side + tbs, side.equals("R") ? SlimRekorSide.of(e) : e);
    seen.put(tbs, new Seen(marked.marks(), marked.need(), marked.wall(), now).encode());
    deadlines.put(eventDeadline(side, need, tbs), "");
    deadlines.put(WALL + deadline(now + grace.toMillis(), side, tbs), Long.toString(now));
  }

  /** Integrated after its own log was proven past the window: outside the domain of the join. */
  private boolean outsideDomain(IdentityEvent e, long need) {
    Proven own = proven.get(e.getLogId());
    return own != null && !own.complete() && own.provenTo() >= need;
  }

  /**
   * Wipes the deadline index and derives it from the seen and pending stores: every mark's event and wall deadlines,
   * every pending side's (its wall clock restarts at {@code now} when its arrival is unknown). A mark stored before
   * its deadlines were (marks only) gets the wall bound from now, and the event deadline of its pending side if any.
   */
  private void rebuildDeadlines(long now) {
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.all()) {
      it.forEachRemaining(kv -> stale.add(kv.key));
    }
    stale.forEach(deadlines::delete);
    Map<String, Long> arrived = new HashMap<>();
    try (KeyValueIterator<String, String> it = seen.all()) {
      it.forEachRemaining(kv -> {
        Seen s = Seen.decode(kv.value);
        if (s.need() >= 0) deadlines.put(eventDeadline("X", s.need(), kv.key), "");
        deadlines.put(WALL + deadline(s.wall() >= 0 ? s.wall() : now + MAX_WAIT.toMillis(), "X", kv.key), "");
        if (s.arrived() >= 0) arrived.put(kv.key, s.arrived());
      });
    }
    try (KeyValueIterator<String, IdentityEvent> it = pending.all()) {
      it.forEachRemaining(kv -> {
        String side = kv.key.substring(0, 1);
        String tbs = kv.key.substring(1);
        long at = arrived.getOrDefault(tbs, now);
        deadlines.put(eventDeadline(side, kv.value.getNotAfterMillis() + grace.toMillis(), tbs), "");
        deadlines.put(WALL + deadline(at + grace.toMillis(), side, tbs), Long.toString(at));
      });
    }
  }

  /**
   * The time up to which every log of {@code side} is proven (Long.MAX_VALUE: all read to their end), or -1 when no
   * log of that side is known or a log of unknown side blocks every decision.
   */
  private long provenTo(IdentitySource side) {
    boolean any = false;
    long min = Long.MAX_VALUE;
    for (String l : universe()) {
      Proven p = proven.get(l);
      if (p == null) {
        if (logs.frozen(l) != null) continue; // asked per certificate
        return -1;
      }
      if (p.side() != side) continue;
      any = true;
      if (p.complete() || logs.frozen(l) != null) continue;
      min = Math.min(min, p.provenTo());
    }
    return any ? min : -1;
  }

  /** Whether every log of {@code side} proves the absence of an entry for a certificate (notBefore, need). */
  private Verdict verdict(IdentitySource side, long notBefore, long need) {
    boolean any = false;
    Verdict v = Verdict.PROVEN;
    for (String l : universe()) {
      Proven p = proven.get(l);
      LogEvidence.Frozen f = logs.frozen(l);
      boolean frozenBefore = f != null && f.observedAtMillis() < notBefore;
      if (p == null) {
        if (frozenBefore) continue;
        v = Verdict.WAIT; // a log not yet proven, of either side
        continue;
      }
      if (p.side() != side) continue;
      any = true;
      if (p.complete() || frozenBefore) continue;
      if (p.from() != null && p.from() > notBefore - grace.toMillis()) return Verdict.UNDECIDABLE;
      if (p.provenTo() < need) v = Verdict.WAIT;
    }
    return any ? v : Verdict.WAIT;
  }

  private Set<String> universe() {
    Set<String> u = new HashSet<>(proven.keySet());
    u.addAll(logs.logs());
    return u;
  }

  private boolean otherSideKnown(IdentitySource side) {
    for (String l : universe()) {
      Proven p = proven.get(l);
      if (p == null || p.side() == side) return true;
    }
    return false;
  }

  private void expireEvent(String side, IdentitySource otherSide, long upTo, long now) {
    if (upTo < 0) return;
    String prefix = EVENT + side + "|";
    List<KeyValue<String, String>> due = new ArrayList<>();
    String end = upTo == Long.MAX_VALUE ? prefix + "~" : prefix + String.format(Locale.ROOT, "%019d|~", upTo);
    try (KeyValueIterator<String, String> it = deadlines.range(prefix, end)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      String tbs = kv.key.substring(prefix.length() + 20);
      if (side.equals("X")) {
        deadlines.delete(kv.key);
        seen.delete(tbs);
        continue;
      }
      IdentityEvent e = pending.get(side + tbs);
      if (e == null) {
        deadlines.delete(kv.key);
        continue;
      }
      Verdict v = verdict(otherSide, e.getNotBeforeMillis(), e.getNotAfterMillis() + grace.toMillis());
      if (v == Verdict.WAIT) continue;
      deadlines.delete(kv.key);
      pending.delete(side + tbs);
      if (v == Verdict.UNDECIDABLE) {
        log.debug("{}: entry {} cannot be joined: a log of the other side was read from after its window began",
            e.getLogId(), e.getLogIndex());
        continue;
      }
      Alert a = side.equals("C") ? unused(e) : unlogged(e);
      if (a != null) {
        context.forward(new Record<>(a.getAlertId(), a, now));
      }
    }
  }

  private void expireWallClock(long wallTime) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(WALL + deadline(0, "", ""), WALL + deadline(wallTime, "~", ""))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      deadlines.delete(kv.key);
      String[] parts = kv.key.substring(WALL.length()).split("\\|", 3);
      String side = parts[1];
      String tbs = parts[2];
      if (side.equals("X")) {
        seen.delete(tbs);
        continue;
      }
      IdentityEvent e = pending.get(side + tbs);
      if (e == null) continue;
      long arrived = Long.parseLong(kv.value);
      IdentitySource otherSide = side.equals("C") ? IdentitySource.REKOR : IdentitySource.CT;
      if (otherSideKnown(otherSide) && wallTime - arrived < MAX_WAIT.toMillis()) {
        deadlines.put(WALL + deadline(wallTime + grace.toMillis(), side, tbs), kv.value); // still waiting
        continue;
      }
      pending.delete(side + tbs);
      log.info("{}: entry {} not joined: no {} log proven past its certificate's window after {} of waiting",
          e.getLogId(), e.getLogIndex(), otherSide, Duration.ofMillis(wallTime - arrived));
    }
  }

  private Alert unused(IdentityEvent e) {
    List<RuleMatch> m = watchlist.current().match(e);
    if (m.isEmpty()) {
      return null;
    }
    RuleMatch first = m.get(0);
    return Alerts.about(Alerts.UNUSED_CERTIFICATE, Severity.HIGH, e, first.ruleId(), first.identity(),
        "certificate issued for " + first.identity() + " (CT " + e.getLogId() + " #" + e.getLogIndex()
            + ") was used in no Rekor log during its validity (" + window(e) + ") — stolen token?",
        chains.verify(e), Map.of("why", first.why(), "grace", grace.toString(), "provenLogs", provenSummary(IdentitySource.REKOR)));
  }

  private Alert unlogged(IdentityEvent e) {
    ChainStatus chain = chains.verify(e);
    if (!(chain instanceof ChainStatus.Fulcio)) {
      return null;
    }
    String who = e.getSans().isEmpty() ? e.getCertFingerprint() : e.getSans().get(0).getValue();
    return Alerts.about(Alerts.UNLOGGED_CERTIFICATE, Severity.CRITICAL, e, null, who,
        "Fulcio certificate for " + who + " used in " + e.getLogId() + " #" + e.getLogIndex()
            + " is in no CT log (validity " + window(e) + ")",
        chain, Map.of("grace", grace.toString(), "provenLogs", provenSummary(IdentitySource.CT)));
  }

  private static String window(IdentityEvent e) {
    return Instant.ofEpochMilli(e.getNotBeforeMillis()) + " .. " + Instant.ofEpochMilli(e.getNotAfterMillis());
  }

  /** The evidence: each log of {@code side} with the size it was read and audited to, and when that was observed. */
  private String provenSummary(IdentitySource side) {
    List<String> out = new ArrayList<>();
    proven.forEach((l, p) -> {
      if (p.side() == side) {
        out.add(l + " audited to " + p.size() + (p.complete() ? " (frozen, read to its end)"
            : " as of " + Instant.ofEpochMilli(p.provenTo())));
      }
    });
    out.sort(null);
    return String.join("; ", out);
  }

  /** An event-time deadline key: {@code s|<side>|<millis, 19 digits>|<tbs>}. */
  static String eventDeadline(String side, long millis, String tbs) {
    return String.format(Locale.ROOT, "%s%s|%019d|%s", EVENT, side, Math.max(0, millis), tbs);
  }

  /** A wall-clock deadline key without its prefix: {@code <millis, 19 digits>|<side>|<tbs>}. */
  static String deadline(long millis, String side, String tbs) {
    return String.format(Locale.ROOT, "%019d|%s|%s", Math.max(0, millis), side, tbs);
  }
}
