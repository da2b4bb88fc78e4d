package dev.sigwatch.core.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@code validFor} period of a trusted root or signing config: start inclusive, end exclusive.
 *
 * @param start when the period starts
 * @param end when it ends, or null if it is open-ended
 */
public record ValidityPeriod(Instant start, Instant end) {
  public ValidityPeriod {
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("validity ends at " + end + " before it starts at " + start);
    }
  }

  /** Whether {@code at} lies in [start, end). */
  public boolean contains(Instant at) {
    return !at.isBefore(start) && (end == null || at.isBefore(end));
  }
}
