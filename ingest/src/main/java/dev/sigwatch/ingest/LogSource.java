package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.topics.Topic;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * One log family's view of a log, for {@link IngestPoller}: checkpoints and entries in a single index space.
 *
 * <p>Thread-safety: {@link #poll} is called by the poller thread only; {@link #fetch} is called by many fetch
 * threads at once, concurrently with {@code poll}, and must be thread-safe.
 */
public interface LogSource {
  /** The log's name for log lines, metrics and the transactional id (e.g. {@code rekor.sigstore.dev}). */
  String name();

  /** The topic its entries go to. */
  Topic<String, ? extends SpecificRecord> entriesTopic();

  /**
   * Fetches the log's current checkpoints. Returns those that differ from {@code lastPublished} (by log id), each
   * with a consistency proof from the last published one of that log id when there is one.
   *
   * @param lastPublished the last checkpoint published per log id (empty at first start)
   * @throws IOException when the log cannot be reached or answers garbage; the poller retries later
   */
  Poll poll(Map<String, Checkpoint> lastPublished) throws IOException, InterruptedException;

  /** The end (exclusive) of the batch starting at {@code start}: at most {@code limit}, aligned as the API wants. */
  long batchEnd(long start, long limit);

  /**
   * The entries {@code [start, end)} with {@code end} from {@link #batchEnd}: exactly one {@link Fetched} per index,
   * in order. An entry malformed as served is a {@link Fetched.Rejected}; a response that cannot be used as a whole
   * (truncated, wrong count) throws, and the poller fetches the batch again: nothing is skipped.
   */
  List<Fetched> fetch(long start, long end) throws IOException, InterruptedException;

  /** The keys (log ids) under which its entries are published, known so far; for resuming. */
  Set<String> entryKeys();

  /** The index (in this source's index space) of one of its published entry records. */
  long indexOf(SpecificRecord entry);

  /**
   * The end (exclusive, in this source's index space) of the entries covered by a published checkpoint; by default
   * its tree size (logs whose index space is the tree's own).
   */
  default long endOf(Checkpoint checkpoint) {
    return checkpoint.getTreeSize();
  }

  /** Whether a checkpoint (by its log id) belongs to this source. */
  boolean owns(Checkpoint checkpoint);

  /**
   * Tells the source about a checkpoint it published before (one it {@link #owns}), oldest first, before any
   * {@link #poll}; called again, with the same checkpoints, when the poller resumes after a failure, so it must be
   * idempotent. Rekor v1 recovers the final sizes of its frozen shards from it. The default does nothing.
   */
  default void restore(Checkpoint published) {
  }
}
