package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import java.util.List;

/**
 * What one checkpoint poll found.
 *
 * @param checkpoints new signed checkpoints to publish (with consistency proofs from the previously published ones),
 *     oldest first; empty if nothing changed
 * @param end the index after the last entry the log's checkpoints cover (Rekor v1: virtual, across shards); only
 *     checkpoints that may steer ingest count
 * @param unproven checkpoints served that must not steer ingest (a tiled log's bigger checkpoint not proven
 *     consistent with the tree ingest authenticates against, e.g. a forged one with a huge size): published as
 *     evidence (verify checks their signatures and alerts) and noted in the DLQ, but never remembered as the last
 *     published checkpoint
 */
public record Poll(List<Checkpoint> checkpoints, long end, List<Checkpoint> unproven) {
  public Poll {
    checkpoints = List.copyOf(checkpoints);
    unproven = List.copyOf(unproven);
    if (end < 0) throw new IllegalArgumentException("end must be >= 0, was " + end);
  }

  public Poll(List<Checkpoint> checkpoints, long end) {
    this(checkpoints, end, List.of());
  }
}
