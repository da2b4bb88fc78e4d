package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;

/** What the verify processors emit; {@link VerifyTopology} routes each shape to its topic. */
sealed interface VerifyOutput {

  /** An integrity or health alert, keyed by its id on the alert topic. */
  record AlertOut(Alert alert) implements VerifyOutput {}

  /** A log event, keyed by log id. */
  record EventOut(LogEvent event) implements VerifyOutput {}

  /** A bad input record for the DLQ. */
  record Rejected(RejectedRecord record) implements VerifyOutput {}

  /** A checkpoint whose signature and consistency verified: handed to the full audit. */
  record Verified(Checkpoint checkpoint) implements VerifyOutput {}
}
