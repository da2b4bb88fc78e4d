package dev.sigwatch.alert.store;

import java.time.Instant;
import java.util.Map;

/**
 * One step in an alert's life, oldest first in {@link AlertDetail#history()}.
 *
 * @param kind {@code INCIDENT_CONTINUES}, {@code INCIDENT_RESOLVED}, {@code RECOVERED} (from the pipeline's log
 *     events), or {@code ACKNOWLEDGED} / {@code RESOLVED} (by a person)
 * @param actor who did it: a person's name for ACKNOWLEDGED / RESOLVED, {@code "pipeline"} for log events
 * @param reason why (the person's note, or the event's {@code reason} detail)
 * @param detail the log event's detail map (observations, sizes, ...); empty for a person's action
 * @param eventId the log event's id, or null for a person's action
 */
public record AlertHistory(Instant at, String kind, String actor, String reason, Map<String, String> detail,
    String eventId) {
  public AlertHistory {
    if (at == null || kind == null) throw new IllegalArgumentException("at and kind must not be null");
    detail = detail == null ? Map.of() : Map.copyOf(detail);
  }
}
