package dev.sigwatch.core.checkpoint;

import java.util.Objects;

/** A checkpoint whose note verified, with which keys verified it. */
public record VerifiedCheckpoint(Checkpoint checkpoint, VerificationResult result) {
  public VerifiedCheckpoint {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(result, "result");
  }
}
