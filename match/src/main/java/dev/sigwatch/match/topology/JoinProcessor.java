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
 * the "seen" marker of a hash at + 3 windows, both through the deadline index ({@code <deadline ms>|<side>|<hash>},
 * range-scanned by a stream-time punctuator). An arrival later than that is treated as new.
 *
 * <p><b>Two clocks.</b> Stream time only advances when records arrive on this task's partition, so on a quiet
 * partition (a low-volume log, a stalled ingest) a pending side would wait forever. A pending side therefore also
 * carries a wall-clock deadline ({@code w|<arrival wall ms + window>|<side>|<hash>}), scanned by a wall-clock
 * punctuator: it expires when <em>either</em> its event time + window is passed by stream time <em>or</em> it has
 * waited {@code window} of real time since it arrived here, whichever comes first.
 *
 * <p>Trade-off for backfills: a wall-clock deadline computed from the <em>event</em> time would fire at once for
 * every historical entry (event time + window is long past) and flood the alerts with false UNUSED/UNLOGGED
 * certificates before the other log's backfill has caught up. Computing it from the <em>arrival</em> time instead
 * gives every entry at least {@code window} of real time to meet its other side, whatever its age; during a
 * backfill the stream-time deadline usually fires first, which is correct as long as both logs are replayed at
 * similar speed. What we give up: if one log's backfill lags the other by more than {@code window} of event time,
 * stream time alone (as before) can still raise false alerts; run backfills of CT and Rekor over the same period
 * together, or widen the window for the backfill. The "seen" markers expire on stream time only (they only
 * suppress duplicates and are bounded by stream progress).
 */
final class JoinProcessor implements Processor<String, IdentityEvent, String, Alert> {
  static final String SEEN_STORE = "match-join-seen";
  static final String PENDING_STORE = "match-join-pending";
  static final String DEADLINE_STORE = "match-join-deadlines";
  /** Prefix of wall-clock deadlines; sorts after the digits of stream-time deadlines, so the two ranges never mix. */
  static final String WALL = "w|";

  private final Duration window;
  private final WatchlistState watchlist;
  private final ChainCheck chains;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, String> seen;
  private KeyValueStore<String, IdentityEvent> pending;
  private KeyValueStore<String, String> deadlines;

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
    Duration every = window.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : window.dividedBy(10);
    context.schedule(every, PunctuationType.STREAM_TIME, this::expire);
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expireWallClock);
  }

  @Override
  public void process(Record<String, IdentityEvent> record) {
    String tbs = record.key();
    IdentityEvent e = record.value();
    if (tbs == null || e == null) {
      return;
    }
    String side = e.getSource() == IdentitySource.CT ? "C" : "R";
    String other = side.equals("C") ? "R" : "C";
    String marks = seen.get(tbs);
    if (marks == null) {
      deadlines.put(deadline(record.timestamp() + 3 * window.toMillis(), "X", tbs), "");
      marks = "";
    }
    if (!marks.contains(side)) {
      seen.put(tbs, marks + side);
    }
    // The other side is here: whatever it was waiting for has arrived.
    pending.delete(other + tbs);
    if (marks.contains(other) || pending.get(side + tbs) != null) {
      return;
    }
    if (side.equals("C") && watchlist.current().match(e).isEmpty()) {
      return;
    }
    pending.put(side + tbs, e);
    deadlines.put(deadline(record.timestamp() + window.toMillis(), side, tbs), "");
    deadlines.put(WALL + deadline(context.currentSystemTimeMs() + window.toMillis(), side, tbs), "");
  }

  private void expire(long streamTime) {
    expire(deadline(0, "", ""), deadline(streamTime, "~", ""), "", streamTime);
  }

  private void expireWallClock(long wallTime) {
    expire(WALL + deadline(0, "", ""), WALL + deadline(wallTime, "~", ""), WALL, wallTime);
  }

  /** Fires every deadline in {@code [from, to]} (keys of one clock, {@code prefix} stripped before parsing). */
  private void expire(String from, String to, String prefix, long now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(from, to)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      deadlines.delete(kv.key);
      String[] parts = kv.key.substring(prefix.length()).split("\\|", 3);
      String side = parts[1];
      String tbs = parts[2];
      if (side.equals("X")) {
        seen.delete(tbs);
        continue;
      }
      IdentityEvent e = pending.get(side + tbs);
      if (e == null) {
        continue;
      }
      pending.delete(side + tbs);
      Alert a = side.equals("C") ? unused(e, tbs) : unlogged(e, tbs);
      if (a != null) {
        context.forward(new Record<>(a.getAlertId(), a, now));
      }
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

  static String deadline(long millis, String side, String tbs) {
    return String.format(Locale.ROOT, "%019d|%s|%s", Math.max(0, millis), side, tbs);
  }
}
