package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import java.util.List;

/**
 * What one checkpoint poll found.
 *
 * @param checkpoints new signed checkpoints to publish (with consistency proofs from the previously published ones),
 *     oldest first; empty if nothing changed
 * @param end the index after the last entry the log's checkpoints cover (Rekor v1: virtual, across shards)
 */
public record Poll(List<Checkpoint> checkpoints, long end) {
  public Poll {
    checkpoints = List.copyOf(checkpoints);
    if (end < 0) throw new IllegalArgumentException("end must be >= 0, was " + end);
  }
}
