package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.topics.Topics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a log's ingest resumes, read back from what it committed (read_committed): the last checkpoint published per
 * log id, and the position: the index after the last entry record committed (or the last DLQ record of an entry
 * rejected as served), within the backfill range if there is one. With nothing committed yet, the position is the
 * configured start: the range's start, the given index, or the end of the first checkpoint ever published (start at
 * end) — or of the log's current checkpoint when none was.
 */
final class Resumption {
  private static final Logger log = LoggerFactory.getLogger(Resumption.class);

  private final LogSource source;
  private final IngestSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final Map<String, Checkpoint> lastPublished = new HashMap<>();
  private Long firstEnd;

  private Resumption(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics) {
    this.source = source;
    this.settings = settings;
    this.clientProperties = clientProperties;
    this.topics = topics;
  }

  /** Reads the committed checkpoints of {@code source} and tells the source about them. */
  static Resumption read(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics) {
    Resumption r = new Resumption(source, settings, clientProperties, topics);
    try (PositionReader reader = new PositionReader(clientProperties)) {
      for (Checkpoint c : reader.readAll(topics.checkpoints().name(), null, topics.checkpoints().valueSerde().deserializer())) {
        if (!source.owns(c)) continue;
        source.restore(c);
        r.lastPublished.put(c.getLogId(), c);
        if (r.firstEnd == null) r.firstEnd = source.endOf(c);
      }
    }
    return r;
  }

  /** The last committed checkpoint per log id (a copy). */
  Map<String, Checkpoint> lastPublished() {
    return new HashMap<>(lastPublished);
  }

  /** The next index to ingest, given the log's first poll after the (re)start. */
  long position(Poll first) {
    boolean backfill = settings.startMode() instanceof StartMode.Range;
    Set<String> keys = new HashSet<>(source.entryKeys());
    keys.addAll(lastPublished.keySet());
    long lo = settings.startMode() instanceof StartMode.Range r ? r.fromInclusive() : 0;
    long hi = settings.startMode() instanceof StartMode.Range r ? r.toExclusive() : Long.MAX_VALUE;
    try (PositionReader reader = new PositionReader(clientProperties)) {
      OptionalLong lastEntry = keys.isEmpty() ? OptionalLong.empty() : reader.lastIndex(source.entriesTopic().name(), keys,
          source.entriesTopic().valueSerde().deserializer(), (k, v) -> inRange(source.indexOf(v), lo, hi));
      Set<String> dlqKeys = keys.stream().map(k -> "ingest:" + k).collect(Collectors.toSet());
      OptionalLong lastRejected = keys.isEmpty() ? OptionalLong.empty() : reader.lastIndex(topics.dlq().name(), dlqKeys,
          topics.dlq().valueSerde().deserializer(),
          (k, v) -> v.getLogIndex() == null ? null : inRange(v.getLogIndex(), lo, hi));
      long last = Math.max(lastEntry.orElse(-1), lastRejected.orElse(-1));
      if (last >= 0) {
        log.info("{}: resuming at index {}", source.name(), last + 1);
        return last + 1;
      }
    }
    long start;
    if (settings.startMode() instanceof StartMode.Range r) {
      start = r.fromInclusive();
    } else if (settings.startMode() instanceof StartMode.AtIndex a) {
      start = a.index();
    } else {
      start = firstEnd != null && !backfill ? firstEnd : first.end();
    }
    log.info("{}: starting at index {} ({})", source.name(), start, settings.startMode());
    return start;
  }

  private static Long inRange(long index, long lo, long hi) {
    return index >= lo && index < hi ? index : null;
  }
}
