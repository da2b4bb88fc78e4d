package dev.sigwatch.alert.store.jdbc;

import dev.sigwatch.match.alerts.Alerts;
import java.util.List;
import java.util.Set;

/** Which alert types are about a log's integrity or health (incidents) rather than about an identity. */
final class AlertTypes {
  /** The match stage's alert types: facts about an identity, a certificate or an entry, not about the log. */
  static final List<String> IDENTITY_TYPES = List.of(Alerts.IDENTITY_MATCH, Alerts.LOOKALIKE,
      Alerts.UNUSED_CERTIFICATE, Alerts.UNLOGGED_CERTIFICATE, Alerts.MALFORMED_ENTRY);
  private static final Set<String> IDENTITY = Set.copyOf(IDENTITY_TYPES);

  private AlertTypes() {}

  static boolean isIncident(String type) {
    return !IDENTITY.contains(type);
  }
}
