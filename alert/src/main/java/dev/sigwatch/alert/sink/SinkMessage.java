package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import java.util.Map;

/**
 * One thing a sink delivers: a new alert, or an update (the incident of an alert continues, or is resolved) that
 * names the alert it belongs to.
 *
 * @param kind what happened
 * @param alertId the alert this is (ALERT) or updates (the others)
 * @param idempotencyKey stable across restarts and replays: the alert id for an alert, the event id of an update;
 *     every sink passes it on so a receiver can drop a repeat
 * @param alert the alert (ALERT), or the alert an update names when the runner has seen it, else null
 * @param update the INCIDENT_CONTINUES / INCIDENT_RESOLVED event, or null for an alert
 */
public record SinkMessage(Kind kind, String alertId, String idempotencyKey, Alert alert, LogEvent update) {

  /** The event type of a message. */
  public enum Kind {
    ALERT("alert.created"),
    INCIDENT_CONTINUES("alert.continues"),
    INCIDENT_RESOLVED("alert.resolved");

    private final String eventType;

    Kind(String eventType) {
      this.eventType = eventType;
    }

    /** The name receivers see ({@code alert.created}, ...), in the dotted style of Standard Webhooks event types. */
    public String eventType() {
      return eventType;
    }
  }

  public SinkMessage {
    if (kind == null || alertId == null || idempotencyKey == null) {
      throw new IllegalArgumentException("kind, alertId and idempotencyKey are required");
    }
    if (kind == Kind.ALERT && alert == null) throw new IllegalArgumentException("an ALERT message needs its alert");
    if (kind != Kind.ALERT && update == null) throw new IllegalArgumentException(kind + " needs its update event");
  }

  public static SinkMessage of(Alert alert) {
    return new SinkMessage(Kind.ALERT, alert.getAlertId(), alert.getAlertId(), alert, null);
  }

  /**
   * The update an INCIDENT_CONTINUES / INCIDENT_RESOLVED log event carries, or null for any other event (or one that
   * names no alert).
   *
   * @param known the alert it names, when known, else null
   */
  public static SinkMessage ofEvent(LogEvent event, Alert known) {
    Kind kind;
    if ("INCIDENT_CONTINUES".equals(event.getType())) {
      kind = Kind.INCIDENT_CONTINUES;
    } else if ("INCIDENT_RESOLVED".equals(event.getType())) {
      kind = Kind.INCIDENT_RESOLVED;
    } else {
      return null;
    }
    String alertId = detail(event).get("alertId");
    if (alertId == null || alertId.isEmpty()) return null;
    return new SinkMessage(kind, alertId, event.getEventId(), known, event);
  }

  /** The update's detail (alertId, incidentType, observations, reason, ...), empty for an alert. */
  public Map<String, String> detail() {
    return update == null ? Map.of() : detail(update);
  }

  /** The alert's type, or an update's {@code incidentType}. */
  public String alertType() {
    if (alert != null) return alert.getType();
    return detail().getOrDefault("incidentType", "UNKNOWN");
  }

  /** The log the alert or update is about, or null. */
  public String logId() {
    if (alert != null) return alert.getLogId();
    return update.getLogId();
  }

  /** When it happened (the alert's event time, the update's time). */
  public long atMillis() {
    return kind == Kind.ALERT ? alert.getCreatedAtMillis() : update.getAtMillis();
  }

  /** One line for a human: the alert's summary, or what the update says about the alert. */
  public String headline() {
    return switch (kind) {
      case ALERT -> alert.getSummary();
      case INCIDENT_CONTINUES -> alertType() + " incident continues (" + detail().getOrDefault("observations", "?")
          + " observations)" + (alert == null ? "" : ": " + alert.getSummary());
      case INCIDENT_RESOLVED -> alertType() + " incident resolved: " + detail().getOrDefault("reason", "")
          + (alert == null ? "" : " — " + alert.getSummary());
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> detail(LogEvent e) {
    Map<?, ?> d = e.getDetail();
    if (d == null) return Map.of();
    // Avro may hand back Utf8 keys/values; normalize to String.
    java.util.Map<String, String> out = new java.util.HashMap<>();
    d.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }
}
