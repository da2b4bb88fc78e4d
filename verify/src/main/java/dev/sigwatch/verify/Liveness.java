package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The judge's liveness rules: a stale log (STALE_LOG, one per episode, ended by growth or freezing: {@link StaleLog}),
 * a checkpoint held unproven past the bound (UNPROVEN_CONSISTENCY, ended when the head moves), a shard quiet past its
 * key's validity end (frozen, SHARD_ENDED). Pure functions over a judge's {@link Step}.
 */
final class Liveness {

  private static final Logger log = LoggerFactory.getLogger(Liveness.class);

  private Liveness() {}

  /** The wall-clock check of the step's log at {@code now} (it has a head). */
  static void check(Step s, Optional<Instant> validUntil, long now, Judge.Bounds bounds) {
    LogState h = s.head;
    checkUnproven(s, h, s.incidents.unproven(), now, bounds.unprovenAfter());
    Optional<Instant> end = h.frozen() ? Optional.empty() : validUntil;
    long staleAfter = bounds.staleAfter().toMillis();
    if (end.isPresent() && now >= end.get().toEpochMilli()) {
      // A shard past its validity end is expected to stop growing: once it has been quiet for staleAfter after
      // its end it is frozen at its last verified checkpoint (never stale); growth after the end is SHARD_CHANGED.
      if (now - Math.max(h.progressAtMillis(), end.get().toEpochMilli()) > staleAfter) {
        s.head = new LogState(h.size(), h.root(), h.rawNote(), h.observedAtMillis(), h.progressAtMillis(), true);
        s.event(Findings.event("SHARD_ENDED", s.logId, h.size(), h.root(), now,
            Map.of("validUntil", end.get().toString())));
        log.info("{}: shard ended as planned at {}; frozen at size {}", s.logId, end.get(), h.size());
        endStaleAsFrozen(s, h, h.size(), now);
      }
      return;
    }
    // A log that shows an open integrity incident (a fork growing on, a run of bad signatures) is not also stale:
    // it is publishing, and that incident's alert already says why its head does not move.
    long alive = Math.max(h.progressAtMillis(), s.incidents.incidentSeenAtMillis());
    if (!h.frozen() && !h.stale() && now - alive > staleAfter) {
      stale(s, "no checkpoint progress since " + Instant.ofEpochMilli(h.progressAtMillis()), bounds.staleAfter());
    }
  }

  /** Opens a stale episode at the step's time unless one is open (or the log is frozen): one alert, its id kept. */
  static void stale(Step s, String why, Duration staleAfter) {
    LogState h = s.head;
    if (h == null || h.frozen() || h.stale()) return;
    Alert a = StaleLog.alert(s.logId, h, why, staleAfter, s.now);
    s.judged(new LogIncident.Stale(a));
    s.alert(a);
    s.head = h.withStaleAlert(a.getAlertId(), s.now);
  }

  /** If {@code prev} is stale, the log's freezing at {@code size} ends that episode (the frozen state has no id). */
  static void endStaleAsFrozen(Step s, LogState prev, long size, long atMillis) {
    if (!prev.stale()) return;
    s.event(StaleLog.frozen(s.logId, prev, size, atMillis));
    log.info("{}: STALE_LOG alert {} resolved: shard frozen at size {}", s.logId, StaleLog.openAlertId(s.logId, prev),
        size);
  }

  /** Raises UNPROVEN_CONSISTENCY if {@code u} has lasted longer than the bound at {@code now} and none was raised. */
  static void checkUnproven(Step s, LogState head, IncidentState.Unproven u, long now, Duration unprovenAfter) {
    if (u == null || u.alertId() != null || now - u.sinceMillis() <= unprovenAfter.toMillis()) return;
    String logId = s.logId;
    Alert a = Findings.alert(Findings.id(Findings.UNPROVEN_CONSISTENCY, logId, head.size(), head.root(),
        u.sinceMillis()), Findings.UNPROVEN_CONSISTENCY, logId, head.size(), String.format(Locale.ROOT,
        "%s: no checkpoint since size %d has been proven consistent with it for %s (newest: size %d); verification "
            + "is stuck at size %d", logId, head.size(), unprovenAfter, u.size(), head.size()),
        Map.of("checkpoint", new String(head.rawNote(), StandardCharsets.UTF_8), "verifiedSize",
            Long.toString(head.size()), "unprovenSize", Long.toString(u.size()), "unprovenRoot", Findings.hex(u.root()),
            "unprovenSinceMillis", Long.toString(u.sinceMillis()), "unprovenAfter", unprovenAfter.toString()), now);
    s.judged(new LogIncident.UnprovenConsistency(a));
    s.alert(a);
    s.incidents = s.incidents.withUnproven(u.alerted(a.getAlertId()));
  }

  /** The trusted head moved (or froze): ends the log's unproven checkpoint and its alert, if any. */
  static void proven(Step s, long size, long atMillis) {
    IncidentState.Unproven u = s.incidents.unproven();
    if (u == null) return;
    s.incidents = s.incidents.withUnproven(null);
    if (u.alertId() == null) return;
    s.event(Incidents.resolvedEvent(s.logId, Findings.UNPROVEN_CONSISTENCY, u.alertId(), 1, size, atMillis,
        "consistency proven at size " + size, Map.of("unprovenSize", Long.toString(u.size()))));
    log.info("{}: UNPROVEN_CONSISTENCY alert {} resolved at size {}", s.logId, u.alertId(), size);
  }
}
