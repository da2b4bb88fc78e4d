package dev.sigwatch.alert.store;

import java.time.Instant;

/**
 * Which stored identity events a replay reads ({@link AlertStore#scanIdentities}): all bounds optional, every set
 * bound must hold.
 *
 * @param logId only this log
 * @param from entry time at or after
 * @param to entry time strictly before
 * @param fromIndex log index at or after (meaningful with {@code logId}; across logs it applies to each log's index)
 * @param toIndex log index strictly before
 */
public record IdentityScan(String logId, Instant from, Instant to, Long fromIndex, Long toIndex) {
  public static final IdentityScan ALL = new IdentityScan(null, null, null, null, null);

  public IdentityScan {
    if (fromIndex != null && fromIndex < 0) throw new IllegalArgumentException("fromIndex must be >= 0, was " + fromIndex);
    if (toIndex != null && fromIndex != null && toIndex < fromIndex) {
      throw new IllegalArgumentException("toIndex " + toIndex + " is before fromIndex " + fromIndex);
    }
    if (from != null && to != null && to.isBefore(from)) {
      throw new IllegalArgumentException("to " + to + " is before from " + from);
    }
  }
}
