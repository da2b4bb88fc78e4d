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

/**
 * CT ⋈ Rekor on the precertificate TBS hash (records arrive keyed by it), on event time:
 * <ul>
 *   <li>a CT issuance matching the watchlist with no Rekor use of that certificate within {@code window} →
 *       UNUSED_CERTIFICATE (HIGH);</li>
 *   <li>a Rekor use of a certificate that never appeared in CT within {@code window} and that chains to a Fulcio CA →
 *       UNLOGGED_CERTIFICATE (CRITICAL). The chain is checked only then, at expiry, never per entry.</li>
 * </ul>
 * Either side may arrive first. State is bounded by the window: a pending side expires at its event time + window,
 * the "seen" marker of a hash at + 3 windows, both through the deadline index. An arrival later than that is treated
 * as new.
 *
 * <p><b>Whose clock.</b> A pending side waits for the <em>other</em> log, so its event-time deadline is compared with
 * the other log's progress: the largest event time of the other side seen by this task (kept per side in the progress
 * store), not with stream time, which is the maximum over both logs. A CT issuance at T is declared unused only once
 * Rekor entries past T + window have arrived here (and a Rekor use unlogged only once CT entries past it have): when
 * one log's backfill runs ahead of the other's, its entries wait for the lagging log to catch up instead of all
 * expiring as false alerts. Seen markers likewise expire with the slower side's progress. Deadline keys are
 * {@code s|<side>|<deadline ms>|<hash>} ({@code X} for seen markers), one range per side, each scanned only up to its
 * own bound: by a stream-time punctuator, and by every record for the side its log's progress can make due (one
 * comparison with the earliest deadline of that side, kept in memory).
 *
 * <p><b>Wall clock.</b> Event time only advances when records arrive on this task's partition, so on a quiet
 * partition (a low-volume log, a stalled ingest) a pending side would wait forever. A pending side therefore also
 * carries a wall-clock deadline ({@code w|<arrival wall ms + window>|<side>|<hash>}), scanned by a wall-clock
 * punctuator: it expires when <em>either</em> the other log has passed its event time + window <em>or</em> it has
 * waited {@code window} of real time since it arrived here, whichever comes first. The wall-clock deadline counts from
 * the <em>arrival</em>, not the event time: from the event time it would fire at once for every historical entry of a
 * backfill. Seen markers also expire {@code 3 × window} of real time after arrival, which bounds them when one log is
 * not monitored at all. What remains: during backfills, a log that lags the other by more than {@code window} of
 * <em>real</em> time still lets the wall clock fire first; backfill CT and Rekor over the same period together, or
 * widen the window.
 */
final class JoinProcessor implements Processor<String, IdentityEvent, String, Alert> {
  static final String SEEN_STORE = "match-join-seen";
  static final String PENDING_STORE = "match-join-pending";
  static final String DEADLINE_STORE = "match-join-deadlines";
  /** The largest event time seen per side ({@code C}, {@code R}) by this task. */
  static final String PROGRESS_STORE = "match-join-progress";
  /** Prefix of event-time deadlines. */
  static final String EVENT = "s|";
  /** Prefix of wall-clock deadlines; sorts after the digits of stream-time deadlines, so the two ranges never mix. */
  static final String WALL = "w|";

  private final Duration window;
  private final WatchlistState watchlist;
  private final ChainCheck chains;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, String> seen;
  private KeyValueStore<String, IdentityEvent> pending;
  private KeyValueStore<String, String> deadlines;
  private KeyValueStore<String, Long> progress;
  /**
   * Per side, the earliest event-time deadline still in the index (Long.MAX_VALUE: none), so that a record can tell in
   * one comparison whether the other side's progress made anything due; null: unknown (after a restart), look.
   */
  private final Map<String, Long> nextDue = new java.util.HashMap<>();
  /** The progress store's values as last advanced (the store itself is written at most once a second per side). */
  private final Map<String, Long> progressCache = new java.util.HashMap<>();
  private final Map<String, Long> progressStored = new java.util.HashMap<>();

  JoinProcessor(Duration window, WatchlistState watchlist, ChainCheck chains) {
    this.window = window;
    this.watchlist = watchlist;
    this.chains = chains;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    seen = context.getStateStore(SEEN_STORE);
    pending = context.getStateStore(PENDING_STORE);
    deadlines = context.getStateStore(DEADLINE_STORE);
    progress = context.getStateStore(PROGRESS_STORE);
    Duration every = window.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : window.dividedBy(10);
    context.schedule(every, PunctuationType.STREAM_TIME, this::expire);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expireWallClock);
  }

  @Override
  public void process(Record<String, IdentityEvent> record) {
    IdentityEvent e = record.value();
    if (record.key() == null || e == null) {
      return;
    }
    String side = e.getSource() == IdentitySource.CT ? "C" : "R";
    join(record.key(), e, side, record.timestamp());
    expireWaitingFor(side, progressOf(side));
  }

  private void join(String tbs, IdentityEvent e, String side, long timestamp) {
    String other = side.equals("C") ? "R" : "C";
    advance(side, timestamp);
    String marks = seen.get(tbs);
    if (marks == null) {
      deadlines.put(eventDeadline("X", timestamp + 3 * window.toMillis(), tbs), "");
      deadlines.put(WALL + deadline(context.currentSystemTimeMs() + 3 * window.toMillis(), "X", tbs), "");
      marks = "";
    }
    if (!marks.contains(side)) {
      seen.put(tbs, marks + side);
    }
    // The other side is here: whatever it was waiting for has arrived. (Read first: a delete of an absent key would
    // still write a tombstone to the changelog, for every record.)
    if (pending.get(other + tbs) != null) pending.delete(other + tbs);
    if (marks.contains(other) || pending.get(side + tbs) != null) {
      return;
    }
    if (side.equals("C") && watchlist.current().match(e).isEmpty()) {
      return;
    }
    pending.put(side + tbs, e);
    long due = timestamp + window.toMillis();
    deadlines.put(eventDeadline(side, due, tbs), "");
    nextDue.computeIfPresent(side, (k, v) -> Math.min(v, due));
    deadlines.put(WALL + deadline(context.currentSystemTimeMs() + window.toMillis(), side, tbs), "");
  }

  /** After {@code side}'s progress moved to {@code now}: the other side's entries waiting for it that are now due. */
  private void expireWaitingFor(String side, long now) {
    String waiting = side.equals("C") ? "R" : "C";
    Long next = nextDue.get(waiting);
    if (next == null || next <= now) expireEvent(waiting, now, now);
  }

  /**
   * Each side's pending entries up to the other side's progress; seen markers up to the slower side's progress (a
   * marker must outlive the window of the side that has yet to arrive; none expires on event time before both sides
   * have been seen, the wall clock bounds them then).
   */
  private void expire(long streamTime) {
    expireEvent("X", Math.min(progressOf("C"), progressOf("R")), streamTime);
    expireEvent("C", progressOf("R"), streamTime);
    expireEvent("R", progressOf("C"), streamTime);
  }

  /**
   * Moves {@code side}'s progress to {@code timestamp} if that is later. Kept in memory and written to the store at
   * most once per second of progress (one store write per record would cost as much as the join itself); after a
   * restart the stored value is at most a second behind, which only makes expiry that much later.
   */
  private void advance(String side, long timestamp) {
    long current = progressOf(side);
    if (timestamp <= current) return;
    progressCache.put(side, timestamp);
    Long stored = progressStored.get(side);
    if (stored == null || timestamp - stored >= 1000) {
      progress.put(side, timestamp);
      progressStored.put(side, timestamp);
    }
  }

  private long progressOf(String side) {
    Long cached = progressCache.get(side);
    if (cached != null) return cached;
    Long p = progress.get(side);
    if (p != null) progressCache.put(side, p);
    return p == null ? -1 : p;
  }

  private void expireEvent(String side, long upTo, long streamTime) {
    if (upTo < 0) return;
    String prefix = EVENT + side + "|";
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(prefix, prefix + String.format(Locale.ROOT, "%019d|~", upTo))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      deadlines.delete(kv.key);
      String tbs = kv.key.substring(prefix.length() + 20);
      fire(side, tbs, streamTime);
    }
    try (KeyValueIterator<String, String> it = deadlines.range(prefix, prefix + "~")) {
      nextDue.put(side, it.hasNext() ? Long.parseLong(it.next().key.substring(prefix.length(), prefix.length() + 19))
          : Long.MAX_VALUE);
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
      fire(parts[1], parts[2], wallTime);
    }
  }

  /** A deadline of {@code side} for {@code tbs} is due: forgets a seen marker, or alerts on a still-pending side. */
  private void fire(String side, String tbs, long now) {
    if (side.equals("X")) {
      seen.delete(tbs);
      return;
    }
    IdentityEvent e = pending.get(side + tbs);
    if (e == null) {
      return;
    }
    pending.delete(side + tbs);
    Alert a = side.equals("C") ? unused(e, tbs) : unlogged(e, tbs);
    if (a != null) {
      context.forward(new Record<>(a.getAlertId(), a, now));
    }
  }

  private Alert unused(IdentityEvent e, String tbs) {
    List<RuleMatch> m = watchlist.current().match(e);
    if (m.isEmpty()) {
      return null;
    }
    RuleMatch first = m.get(0);
    return Alerts.about(Alerts.UNUSED_CERTIFICATE, Severity.HIGH, e, first.ruleId(), first.identity(),
        "certificate issued for " + first.identity() + " (CT " + e.getLogId() + " #" + e.getLogIndex()
            + ") was not used in Rekor within " + window + " — stolen token?",
        chains.verify(e), Map.of("why", first.why(), "window", window.toString()));
  }

  private Alert unlogged(IdentityEvent e, String tbs) {
    ChainStatus chain = chains.verify(e);
    if (!(chain instanceof ChainStatus.Fulcio)) {
      return null;
    }
    String who = e.getSans().isEmpty() ? e.getCertFingerprint() : e.getSans().get(0).getValue();
    return Alerts.about(Alerts.UNLOGGED_CERTIFICATE, Severity.CRITICAL, e, null, who,
        "Fulcio certificate for " + who + " used in " + e.getLogId() + " #" + e.getLogIndex()
            + " never appeared in CT within " + window + " (notBefore "
            + Instant.ofEpochMilli(e.getNotBeforeMillis()) + ")",
        chain, Map.of("window", window.toString()));
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
