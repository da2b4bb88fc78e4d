package dev.sigwatch.verify;

import java.util.Objects;

/**
 * An open incident of one log: the one alert raised when it opened, and how often it has been observed since.
 * Conflicting observations while it is open are log events, not alerts; it closes after a quiet period (or, for a
 * signature episode, at the next validly signed checkpoint; for a witness episode, at the next checkpoint that
 * satisfies the witness policy).
 *
 * @param type the type of the alert that opened it (SPLIT_VIEW, ROLLBACK, FORK, BAD_SIGNATURE, UNKNOWN_KEY,
 *     WITNESS_POLICY)
 * @param alertId that alert's deterministic id
 * @param subject what a later observation must share to continue it: the signer of a signature episode, the
 *     witnesses with invalid cosignatures of a witness episode, empty for a views episode (every conflicting view of
 *     the tree belongs to it)
 * @param openedAtMillis event time (ingest's observation time) of the opening observation
 * @param lastSeenAtMillis event time of the latest observation
 * @param observations how many conflicting observations, the opening one included
 * @param lastSize the tree size of the latest conflicting checkpoint
 */
record Episode(String type, String alertId, String subject, long openedAtMillis, long lastSeenAtMillis,
    long observations, long lastSize) {

  Episode {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(subject, "subject");
    if (lastSize < 0) throw new IllegalArgumentException("lastSize must be >= 0, was " + lastSize);
    if (observations < 1) throw new IllegalArgumentException("observations must be >= 1, was " + observations);
    if (lastSeenAtMillis < openedAtMillis) {
      throw new IllegalArgumentException("lastSeenAtMillis " + lastSeenAtMillis + " is before openedAtMillis "
          + openedAtMillis);
    }
  }

  static Episode open(String type, String alertId, String subject, long atMillis, long size) {
    return new Episode(type, alertId, subject, atMillis, atMillis, 1, size);
  }

  /** One more observation at {@code atMillis} (an earlier time, from a reordered input, keeps the latest). */
  Episode seen(long atMillis, long size) {
    return new Episode(type, alertId, subject, openedAtMillis, Math.max(lastSeenAtMillis, atMillis), observations + 1,
        size);
  }

  /** Whether nothing was observed for longer than {@code quietMillis} before {@code nowMillis}. */
  boolean quietAt(long nowMillis, long quietMillis) {
    return nowMillis - lastSeenAtMillis > quietMillis;
  }
}
