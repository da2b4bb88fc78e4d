package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.LogEvent;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the verify stage has proven about each log, as the match stage needs it for claims of absence: the audited
 * positions (a checkpoint of size N, verified and with every entry below N hashed into its signed root, observed at
 * time T: so every entry the log had integrated by T is below N), and whether the log is a frozen shard.
 *
 * <p>Fed by the global log-events store ({@link LogEvidenceUpdater}), read by the stream threads. Thread-safe.
 */
final class LogEvidence {
  /** Audited positions kept per log: enough for match to lag verify by this many checkpoints. */
  static final int KEPT = 4096;

  /** A frozen shard: its final size and when that was first observed. */
  record Frozen(long size, long observedAtMillis) {}

  /** An audited position: every entry the log had integrated by {@code observedAtMillis} is below {@code size}. */
  record Audited(long size, long observedAtMillis) {}

  private final Map<String, NavigableMap<Long, Long>> audited = new ConcurrentHashMap<>();
  private final Map<String, Frozen> frozen = new ConcurrentHashMap<>();

  /** Applies one log event; events other than AUDITED and shard ends are ignored. */
  void apply(LogEvent e) {
    if (e == null || e.getTreeSize() == null) return;
    switch (e.getType()) {
      case "AUDITED" -> {
        NavigableMap<Long, Long> m = audited.computeIfAbsent(e.getLogId(), k -> new TreeMap<>());
        synchronized (m) {
          m.merge(e.getTreeSize(), e.getAtMillis(), Math::max);
          while (m.size() > KEPT) m.pollFirstEntry();
        }
      }
      case "SHARD_ROTATED", "SHARD_ENDED" -> frozen.merge(e.getLogId(), new Frozen(e.getTreeSize(), e.getAtMillis()),
          (a, b) -> a.observedAtMillis() <= b.observedAtMillis() ? a : b);
      default -> { }
    }
  }

  /** The largest audited position of {@code logId} no larger than {@code size}, or null. */
  Audited auditedUpTo(String logId, long size) {
    NavigableMap<Long, Long> m = audited.get(logId);
    if (m == null) return null;
    synchronized (m) {
      Map.Entry<Long, Long> e = m.floorEntry(size);
      return e == null ? null : new Audited(e.getKey(), e.getValue());
    }
  }

  /** The log's frozen state, or null while it is an active log. */
  Frozen frozen(String logId) {
    return frozen.get(logId);
  }

  /** Every log verify has reported an audit or a shard end for. */
  Set<String> logs() {
    Set<String> s = new java.util.HashSet<>(audited.keySet());
    s.addAll(frozen.keySet());
    return s;
  }
}
