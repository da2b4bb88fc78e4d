package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * An alert as kept by the store: the {@code Alert} record's fields plus its state.
 *
 * @param createdAt the fact's event time (the alert's {@code createdAtMillis})
 * @param storedAt when the store first wrote it (wall clock)
 * @param updatedAt the last change of state or history (wall clock or the pipeline event's time)
 * @param observations how many times the pipeline saw the incident (1 + INCIDENT_CONTINUES events)
 */
public record StoredAlert(
    String alertId, String type, Severity severity, AlertState state,
    String logId, Long logIndex, String uuid, String ruleId, String identity, String summary,
    Map<String, String> certificate, Map<String, String> evidence,
    Instant createdAt, Instant storedAt, Instant updatedAt, long observations) {

  public StoredAlert {
    if (alertId == null || alertId.isEmpty()) throw new IllegalArgumentException("alertId must not be empty");
    if (type == null || severity == null || state == null) {
      throw new IllegalArgumentException(alertId + ": type, severity and state must not be null");
    }
    certificate = certificate == null ? Map.of() : Map.copyOf(certificate);
    evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
  }
}
