package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.ShardState;
import dev.sigwatch.schemas.topics.Topics;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an ingest resumes (a log's live ingest, or one backfill range), read back from what it committed
 * (read_committed).
 *
 * <p><b>From its position record</b> ({@code sigwatch.ingest.positions}, compacted, key = the ingest's id): the next
 * index, the last checkpoint published per log id and the frozen shards' first final heads, all written in the same
 * transaction as the entries they account for. One record per ingest, whatever the history; a backfill sharing the
 * log's partition has its own key, so it never moves live ingest's position.
 *
 * <p><b>Without one</b> (the first start of a new log or range, or the first start after upgrading from a version
 * without position records; the poller then writes one at once, so this happens once): every checkpoint of the log
 * is read from {@code sigwatch.checkpoints}. A live ingest that never published a checkpoint is new and starts at
 * its configured start; otherwise the position is the index after the last entry record committed (or the last DLQ
 * record of an entry rejected as served), within the backfill range if there is one, as versions before position
 * records found it. With nothing committed yet, the position is the configured start: the range's start, the given
 * index, or the end of the first checkpoint ever published (start at end) — or of the log's current checkpoint when
 * none was.
 */
final class Resumption {
  private static final Logger log = LoggerFactory.getLogger(Resumption.class);

  private final LogSource source;
  private final IngestSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final Map<String, Checkpoint> lastPublished = new LinkedHashMap<>();
  private final Map<String, Checkpoint> frozen = new LinkedHashMap<>();
  private IngestPosition recorded;
  private long recordsRead;
  private Long firstEnd;

  private Resumption(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics) {
    this.source = source;
    this.settings = settings;
    this.clientProperties = clientProperties;
    this.topics = topics;
  }

  /**
   * Reads the position record of the ingest {@code ingestId} (else, once, the committed checkpoints of
   * {@code source}) and tells the source about the checkpoints it published.
   */
  static Resumption read(LogSource source, IngestSettings settings, Map<String, Object> clientProperties,
      Topics topics, String ingestId) {
    Resumption r = new Resumption(source, settings, clientProperties, topics);
    try (PositionReader reader = new PositionReader(clientProperties)) {
      Optional<IngestPosition> p = reader.latest(topics.ingestPositions().name(), ingestId,
          topics.ingestPositions().valueSerde().deserializer());
      if (p.isPresent()) {
        r.recorded = p.get();
        for (Checkpoint c : r.recorded.getFrozen()) r.restore(c); // the first frozen heads fix the index space
        for (Checkpoint c : r.recorded.getLastPublished()) r.restore(c);
      } else {
        log.info("{}: no position record yet; reading its checkpoints from {} (once)", source.name(),
            topics.checkpoints().name());
        reader.forEach(topics.checkpoints().name(), topics.checkpoints().valueSerde().deserializer(), c -> {
          if (!source.owns(c)) return;
          r.restore(c);
          if (r.firstEnd == null) r.firstEnd = source.endOf(c);
        });
      }
      r.recordsRead = reader.recordsRead();
    }
    return r;
  }

  private void restore(Checkpoint c) {
    source.restore(c);
    lastPublished.put(c.getLogId(), c);
    if (c.getShardState() == ShardState.INACTIVE) frozen.putIfAbsent(c.getLogId(), c);
  }

  /** Whether the position came from a position record (else the poller writes one at once). */
  boolean fromRecord() {
    return recorded != null;
  }

  /** The last committed checkpoint per log id (a copy). */
  Map<String, Checkpoint> lastPublished() {
    return new LinkedHashMap<>(lastPublished);
  }

  /** The first INACTIVE checkpoint published per frozen shard (a copy). */
  Map<String, Checkpoint> frozen() {
    return new LinkedHashMap<>(frozen);
  }

  /** Records read from Kafka to resume: about one with a position record, the log's whole history without. */
  long recordsRead() {
    return recordsRead;
  }

  /** The next index to ingest, given the log's first poll after the (re)start. */
  long position(Poll first) {
    if (recorded != null) {
      log.info("{}: resuming at index {} from its position record ({} record(s) read)", source.name(),
          recorded.getNext(), recordsRead);
      return recorded.getNext();
    }
    boolean backfill = settings.startMode() instanceof StartMode.Range;
    if (backfill || !lastPublished.isEmpty()) {
      OptionalLong last = lastCommitted();
      if (last.isPresent()) {
        log.info("{}: resuming at index {} (found from its last committed entry)", source.name(), last.getAsLong() + 1);
        return last.getAsLong() + 1;
      }
    }
    long start;
    if (settings.startMode() instanceof StartMode.Range r) {
      start = r.fromInclusive();
    } else if (settings.startMode() instanceof StartMode.AtIndex a) {
      start = a.index();
    } else {
      start = firstEnd != null ? firstEnd : first.end();
    }
    log.info("{}: starting at index {} ({})", source.name(), start, settings.startMode());
    return start;
  }

  /** The index of the last entry (or entry DLQ record) committed, within the backfill range if any: the old way. */
  private OptionalLong lastCommitted() {
    Set<String> keys = new HashSet<>(source.entryKeys());
    keys.addAll(lastPublished.keySet());
    if (keys.isEmpty()) return OptionalLong.empty();
    long lo = settings.startMode() instanceof StartMode.Range r ? r.fromInclusive() : 0;
    long hi = settings.startMode() instanceof StartMode.Range r ? r.toExclusive() : Long.MAX_VALUE;
    try (PositionReader reader = new PositionReader(clientProperties)) {
      OptionalLong lastEntry = reader.lastIndex(source.entriesTopic().name(), keys,
          source.entriesTopic().valueSerde().deserializer(), (k, v) -> inRange(source.indexOf(v), lo, hi));
      Set<String> dlqKeys = keys.stream().map(k -> "ingest:" + k).collect(Collectors.toSet());
      OptionalLong lastRejected = reader.lastIndex(topics.dlq().name(), dlqKeys,
          topics.dlq().valueSerde().deserializer(),
          (k, v) -> v.getLogIndex() == null ? null : inRange(v.getLogIndex(), lo, hi));
      long last = Math.max(lastEntry.orElse(-1), lastRejected.orElse(-1));
      return last >= 0 ? OptionalLong.of(last) : OptionalLong.empty();
    }
  }

  private static Long inRange(long index, long lo, long hi) {
    return index >= lo && index < hi ? index : null;
  }
}
