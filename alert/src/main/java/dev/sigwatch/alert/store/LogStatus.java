package dev.sigwatch.alert.store;

import java.time.Instant;

/**
 * A log's health as the store last learned it from the verify stage's log events and the alerts.
 *
 * @param size the largest tree size any event reported (signed checkpoints, verified or not); null if none yet
 * @param verifiedSize the size of the last checkpoint verified (signature and consistency); null if none
 * @param verifiedRootHex its root hash, lowercase hex
 * @param verifiedAt when that checkpoint was observed
 * @param auditedTo entries {@code [0, auditedTo)} are proven in the signed tree (AUDITED events); null if none
 * @param lag {@code size - auditedTo} (entries not yet audited), null if either is unknown
 * @param openIncidents integrity alerts of this log not resolved (everything but identity-match kinds)
 * @param lastError the summary of the latest integrity alert or unproven consistency; null if none
 * @param lastErrorAt when it happened
 * @param updatedAt the time of the latest event about this log
 */
public record LogStatus(String logId, Long size, Long verifiedSize, String verifiedRootHex, Instant verifiedAt,
    Long auditedTo, Long lag, int openIncidents, String lastError, Instant lastErrorAt, Instant updatedAt) {
  public LogStatus {
    if (logId == null) throw new IllegalArgumentException("logId must not be null");
  }
}
