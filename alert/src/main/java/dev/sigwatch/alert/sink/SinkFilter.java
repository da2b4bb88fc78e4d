package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.util.Set;

/**
 * Which alerts a sink takes. Every condition that is set must hold; an empty set means "any".
 *
 * @param minSeverity the least severity delivered (null: any)
 * @param types alert types (IDENTITY_MATCH, FORK, ...)
 * @param rules watchlist rule ids
 * @param logs log ids
 */
public record SinkFilter(Severity minSeverity, Set<String> types, Set<String> rules, Set<String> logs) {
  public static final SinkFilter ALL = new SinkFilter(null, Set.of(), Set.of(), Set.of());

  public SinkFilter {
    types = types == null ? Set.of() : Set.copyOf(types);
    rules = rules == null ? Set.of() : Set.copyOf(rules);
    logs = logs == null ? Set.of() : Set.copyOf(logs);
  }

  /** Whether {@code alert} is for this sink. */
  public boolean accepts(Alert alert) {
    return (minSeverity == null || alert.getSeverity().ordinal() >= minSeverity.ordinal())
        && (types.isEmpty() || types.contains(alert.getType()))
        && (rules.isEmpty() || (alert.getRuleId() != null && rules.contains(alert.getRuleId())))
        && (logs.isEmpty() || (alert.getLogId() != null && logs.contains(alert.getLogId())));
  }

  /**
   * Whether an update of an alert this sink has not seen (it was read before this process started) is for this sink:
   * judged by what the update says — the incident's type and its log. Its severity and rule are not in the update:
   * a sink filtering on a rule takes none (incidents are about logs, not rules), a severity filter is not applied.
   */
  public boolean acceptsUnseenUpdate(SinkMessage update) {
    return rules.isEmpty()
        && (types.isEmpty() || types.contains(update.alertType()))
        && (logs.isEmpty() || (update.logId() != null && logs.contains(update.logId())));
  }
}
