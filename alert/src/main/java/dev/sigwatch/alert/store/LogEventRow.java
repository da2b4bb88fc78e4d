package dev.sigwatch.alert.store;

import java.time.Instant;
import java.util.Map;

/** A stored log event (verify stage): for a log's history and charts. {@code rootHex} is null when it has none. */
public record LogEventRow(String eventId, String logId, String type, Long treeSize, String rootHex, Instant at,
    Map<String, String> detail) {
  public LogEventRow {
    detail = detail == null ? Map.of() : Map.copyOf(detail);
  }
}
