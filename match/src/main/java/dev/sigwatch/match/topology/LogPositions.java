package dev.sigwatch.match.topology;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.topics.LogPositionMarker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Log positions: how the parse step tells the CT ⋈ Rekor join that a log is proven up to a point. A position travels
 * on {@code sigwatch.identities}, the join's input, as an {@link IdentityEvent} of kind {@value #KIND} (the topic's
 * one value type; {@link LogPositionMarker} for the other consumers, which skip it),
 * sent to <em>every</em> partition ({@link #PARTITIONER}) after the entries it covers, so that when a join task reads
 * it, the task has read every entry of that log below the position that hashes to it.
 *
 * <p>Fields of a position: {@code source} the log's side, {@code logId}, {@code logIndex} = N (every entry below N
 * was forwarded, and verify audited the log at size N), {@code observedAtMillis} = when that checkpoint was observed
 * (so every entry the log had integrated by then is below N), {@code integratedTime} = the observation time of the
 * first entry match read when that was not entry 0 (in millis; entries integrated before it were never read; null:
 * read from entry 0), extension {@code frozen} = "true" when the log is a frozen shard read to its end.
 */
final class LogPositions {
  static final String KIND = LogPositionMarker.KIND;
  static final String KEY_PREFIX = LogPositionMarker.KEY_PREFIX;

  private LogPositions() {}

  /** Entries by their key; positions to every partition. */
  static final StreamPartitioner<String, IdentityEvent> PARTITIONER = new StreamPartitioner<>() {
    @Override
    public java.util.Optional<Set<Integer>> partitions(String topic, String key, IdentityEvent value, int n) {
      if (isPosition(value)) {
        return java.util.Optional.of(IntStream.range(0, n).boxed().collect(Collectors.toSet()));
      }
      return java.util.Optional.empty();
    }
  };

  static boolean isPosition(IdentityEvent e) {
    return LogPositionMarker.is(e);
  }

  /** What the parse step knows of one log it reads. Not thread-safe (one stream task). */
  static final class Position {
    final IdentitySource side;
    private long next;
    private final long firstIndex;
    private final long firstObservedAtMillis;
    private long markedSize = -1;
    private boolean markedComplete;

    private Position(IdentitySource side, long next, long firstIndex, long firstObservedAtMillis) {
      this.side = side;
      this.next = next;
      this.firstIndex = firstIndex;
      this.firstObservedAtMillis = firstObservedAtMillis;
    }

    /** From its stored form, or new at the first entry read ({@code index}, observed at {@code observedAt}). */
    static Position restore(String stored, IdentitySource side, long index, long observedAt) {
      if (stored == null) return new Position(side, index, index, observedAt);
      String[] f = stored.split("\\|");
      Position p = new Position(IdentitySource.valueOf(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[3]));
      p.markedSize = Long.parseLong(f[4]);
      p.markedComplete = Boolean.parseBoolean(f[5]);
      return p;
    }

    String encode() {
      return side + "|" + next + "|" + firstIndex + "|" + firstObservedAtMillis + "|" + markedSize + "|" + markedComplete;
    }

    /** Entry {@code index} was read (entries of a log come in index order). */
    void processed(long index) {
      next = Math.max(next, index + 1);
    }

    long next() {
      return next;
    }

    /** Records a new position; false if it says nothing new. */
    boolean advance(long size, boolean complete) {
      if (size < markedSize || (size == markedSize && (complete == markedComplete || !complete))) return false;
      markedSize = size;
      markedComplete = complete;
      return true;
    }
  }

  static IdentityEvent marker(String logId, Position p, LogEvidence.Audited a, long now) {
    IdentityEvent e = new IdentityEvent();
    e.setSource(p.side);
    e.setLogId(logId);
    e.setLogIndex(a.size());
    e.setEntryKind(KIND);
    e.setEntryVersion("1");
    e.setIntegratedTime(p.firstIndex == 0 ? null : p.firstObservedAtMillis);
    e.setSans(new ArrayList<>(0));
    Map<String, String> ext = new HashMap<>();
    if (p.markedComplete) ext.put("frozen", "true");
    e.setExtensions(ext);
    e.setSubjects(new ArrayList<>(0));
    e.setKeyFingerprints(new ArrayList<>(0));
    e.setChainDer(new ArrayList<>(0));
    e.setObservedAtMillis(a.observedAtMillis());
    return e;
  }

  /** The CT_EXTRA_DATA_MISMATCH alert of a CT entry. */
  static Record<String, SpecificRecord> mismatchAlert(IdentityEvent e, String mismatch, long timestamp) {
    Alert a = Alerts.about(Alerts.CT_EXTRA_DATA_MISMATCH, Severity.HIGH, e, null,
        e.getSans().isEmpty() ? e.getTbsHash() : e.getSans().get(0).getValue(),
        "CT " + e.getLogId() + " #" + e.getLogIndex() + ": " + mismatch
            + "; identities are taken from the leaf, which the signed tree covers",
        null, Map.of("mismatch", mismatch));
    return new Record<>(a.getAlertId(), a, timestamp);
  }
}
