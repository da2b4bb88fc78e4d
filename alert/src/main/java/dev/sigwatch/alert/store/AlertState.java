package dev.sigwatch.alert.store;

/**
 * Where an alert stands. OPEN when raised; ACKNOWLEDGED when a person took it (who + why); RESOLVED when a person
 * closed it or when the pipeline ended its incident (INCIDENT_RESOLVED / RECOVERED naming it). A resolved alert is
 * never reopened by a repeat of the same alert id: a new incident has a new id.
 */
public enum AlertState {
  OPEN, ACKNOWLEDGED, RESOLVED
}
