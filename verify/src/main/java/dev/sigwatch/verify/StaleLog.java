package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stale log's incident, from its one STALE_LOG alert to the events that end it. The checkpoint processor raises the
 * alert when a log's checkpoint has not advanced for {@code staleAfter} (or a checkpoint's signed timestamp is older
 * than that), keeps the alert's id and time in the log's {@link LogState} (a changelogged store, so it survives a
 * restart), and when the log grows again emits {@link #ended}: RECOVERED (as before, now naming the alert) and the
 * INCIDENT_RESOLVED event every incident ends with ({@link Incidents#resolvedEvent}), so a consumer can close the
 * alert. A stale log that becomes a frozen shard instead (a Rekor v1 shard rotated out, or a shard past its validity
 * end) will never grow again: its episode ends with {@link #frozen}, the same INCIDENT_RESOLVED (same id) without
 * RECOVERED. Either way the state forgets the alert id. Stateless and thread-safe.
 */
final class StaleLog {

  static final String RECOVERED = "RECOVERED";

  private StaleLog() {}

  /**
   * The id of the STALE_LOG alert for a log stuck at {@code s}: over the stuck size and root, so one per episode (a
   * log is stale again only after it grew) and the same for a replay. State written before {@link LogState} kept
   * the id reads without it; the id is then this one, which is how that code raised it.
   */
  static String alertId(String logId, LogState s) {
    return Findings.id(Findings.STALE_LOG, logId, s.size(), s.root());
  }

  /** The STALE_LOG alert for a log stuck at {@code s}, raised at wall-clock or event time {@code atMillis}. */
  static Alert alert(String logId, LogState s, String why, Duration staleAfter, long atMillis) {
    return Findings.alert(alertId(logId, s), Findings.STALE_LOG, logId, s.size(),
        logId + ": stale at size " + s.size() + ": " + why,
        Map.of("checkpoint", new String(s.rawNote(), StandardCharsets.UTF_8), "reason", why,
            "staleAfter", staleAfter.toString()), atMillis);
  }

  /**
   * The end of the stale incident of {@code stale} (a state with {@link LogState#stale()}): the log grew to
   * {@code size} with {@code root}, observed at {@code atMillis}. RECOVERED at the new size, then INCIDENT_RESOLVED
   * at the stuck one; both carry {@code alertId}, {@code incidentType} STALE_LOG, {@code staleSize},
   * {@code recoveredSize} and {@code staleSinceMillis} (when the log last grew before), and {@code openedAtMillis}
   * / {@code lastSeenAtMillis} (the alert's time: one observation) when the state knows it.
   */
  static List<LogEvent> ended(String logId, LogState stale, long size, byte[] root, long atMillis) {
    String alertId = openAlertId(logId, stale);
    Map<String, String> d = detail(stale);
    d.put("recoveredSize", Long.toString(size));
    LogEvent resolved = Incidents.resolvedEvent(logId, Findings.STALE_LOG, alertId, 1, stale.size(), atMillis,
        "log advanced again to size " + size, d);
    d.put("alertId", alertId);
    d.put("incidentType", Findings.STALE_LOG);
    return List.of(Findings.event(RECOVERED, logId, size, root, atMillis, d), resolved);
  }

  /**
   * The end of the stale incident of {@code stale} because the log became a frozen shard at {@code frozenSize}
   * (rotated out, or past its validity end), at {@code atMillis}: only INCIDENT_RESOLVED at the stuck size, with the
   * id a recovery would have had (one end per episode) and reason "shard frozen at size N"; detail as in
   * {@link #ended} with {@code frozenSize} instead of {@code recoveredSize}. No RECOVERED: the log did not recover.
   */
  static LogEvent frozen(String logId, LogState stale, long frozenSize, long atMillis) {
    Map<String, String> d = detail(stale);
    d.put("frozenSize", Long.toString(frozenSize));
    return Incidents.resolvedEvent(logId, Findings.STALE_LOG, openAlertId(logId, stale), 1, stale.size(), atMillis,
        "shard frozen at size " + frozenSize, d);
  }

  /** The id of the open STALE_LOG alert of {@code stale}: kept in the state, else recomputed ({@link #alertId}). */
  static String openAlertId(String logId, LogState stale) {
    if (!stale.stale()) throw new IllegalArgumentException(logId + ": not stale");
    return stale.staleAlertId() != null ? stale.staleAlertId() : alertId(logId, stale);
  }

  private static Map<String, String> detail(LogState stale) {
    Map<String, String> d = new HashMap<>();
    d.put("staleSize", Long.toString(stale.size()));
    d.put("staleSinceMillis", Long.toString(stale.progressAtMillis()));
    if (stale.staleAlertId() != null) {
      d.put("openedAtMillis", Long.toString(stale.staleAtMillis()));
      d.put("lastSeenAtMillis", Long.toString(stale.staleAtMillis()));
    }
    return d;
  }
}
