package dev.sigwatch.ingest;

/**
 * Where a log's ingest starts when no position was committed for it yet. A committed position always wins (resume),
 * except that a {@link Range} never goes past its end.
 */
public sealed interface StartMode permits StartMode.AtEnd, StartMode.AtIndex, StartMode.Range {
  /** At the log's size when first seen (the default): only new entries. */
  record AtEnd() implements StartMode {}

  /** At {@code index}, then follow the log. */
  record AtIndex(long index) implements StartMode {
    public AtIndex {
      if (index < 0) throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
  }

  /** Exactly {@code [fromInclusive, toExclusive)}, then stop (backfill). */
  record Range(long fromInclusive, long toExclusive) implements StartMode {
    public Range {
      if (fromInclusive < 0 || toExclusive < fromInclusive) {
        throw new IllegalArgumentException("need 0 <= from <= to, was [" + fromInclusive + ", " + toExclusive + ")");
      }
    }
  }

  static StartMode atEnd() {
    return new AtEnd();
  }
}
