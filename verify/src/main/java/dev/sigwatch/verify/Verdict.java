package dev.sigwatch.verify;

/**
 * What the judge decided about one checkpoint (or, for {@link Checked}, one liveness check): the head it leaves, not
 * the alerts (those are {@link Judgement#out}, since an accepted checkpoint may still fail the witness policy or be
 * stale by its signed timestamp).
 */
sealed interface Verdict {

  /** The checkpoint became the log's head: its first, or proven consistent with the head ({@code consistency}: how). */
  record Accepted(long size, String consistency) implements Verdict {}

  /** A shard listed as inactive at a size consistent with its head: frozen there, an expected rotation. */
  record Rotated(long size) implements Verdict {}

  /** The head (or the frozen shard's head) served again. */
  record Unchanged(long size) implements Verdict {}

  /**
   * Larger than the head but not proven consistent with it (no proof, or one from another size): held, never the
   * head; {@code proofFromSize} is the size its proof starts at, or null.
   */
  record Held(long size, Long proofFromSize) implements Verdict {}

  /** Not accepted: a second view, a bad or unknown signature, a change of a frozen shard. */
  record Refused(LogIncident incident) implements Verdict {}

  /** Not a well-formed checkpoint, or its fields disagree with its note: bad input for the DLQ, no state change. */
  record Malformed(String reason) implements Verdict {}

  /** A liveness check with no checkpoint (the wall-clock punctuation). */
  record Checked() implements Verdict {}
}
