package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.store.IdentityScan;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The history a replay reads, from its {@code --from} / {@code --to} bounds as given: each is a log index (digits)
 * or an ISO-8601 UTC time ({@code 2026-01-31T00:00:00Z}); from is inclusive, to exclusive. A time bounds the entry's
 * time (integrated time, CT timestamp; else when sigwatch observed it), an index the entry's index in its log.
 * Stateless.
 */
public final class ReplayRange {
  private static final Pattern INDEX = Pattern.compile("\\d{1,18}");

  private ReplayRange() {}

  /**
   * The scan of {@code from} .. {@code to} in {@code logId} (each may be null: unbounded, every log).
   *
   * @throws IllegalArgumentException naming the bound that is neither an index nor a time, or a range that ends
   *     before it starts
   */
  public static IdentityScan scan(String logId, String from, String to) {
    Long fromIndex = null;
    Long toIndex = null;
    Instant fromTime = null;
    Instant toTime = null;
    if (from != null) {
      if (INDEX.matcher(from).matches()) fromIndex = Long.parseLong(from);
      else fromTime = time("from", from);
    }
    if (to != null) {
      if (INDEX.matcher(to).matches()) toIndex = Long.parseLong(to);
      else toTime = time("to", to);
    }
    try {
      return new IdentityScan(logId, fromTime, toTime, fromIndex, toIndex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("to: the range ends before it starts: " + e.getMessage(), e);
    }
  }

  private static Instant time(String which, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(which + " must be a log index (digits) or an ISO-8601 UTC time such as "
          + "2026-01-31T00:00:00Z, was '" + v + "'", e);
    }
  }
}
