package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incident episodes per log: one alert per incident, not one per poll. A log that shows a second view of its tree
 * (split view, rollback, fork) opens a views episode with one alert; further observations of the same fact (same
 * type, same conflicting checkpoint; for a fork, the same verified head it diverged from) while it is
 * open are INCIDENT_CONTINUES events with counts, and a different fact is another episode with its own alert. Bad signatures and unknown keys from the same signer in a row are
 * one signature episode, closed by the next validly signed checkpoint. Rekor v2 checkpoints that fail the witness
 * policy are one witness episode, closed by the next checkpoint that satisfies it (see {@link #witnessFailed} for
 * when a changed failure is a new episode). An episode with no observation for the quiet period closes with
 * INCIDENT_RESOLVED: at the next observation (by its event time, so a replay of the same input closes at the same
 * place and raises the same alert ids) or at the wall-clock punctuation. A stale log is an incident too, but not an
 * episode of this store: its alert lives in {@link LogState} and {@link StaleLog} ends it with the same
 * INCIDENT_RESOLVED event ({@link #resolvedEvent}).
 *
 * <p>Pure: each operation reads and replaces the {@link IncidentState} of a judge's {@link Step} and adds what it
 * emits to that step. Immutable and thread-safe.
 */
final class Incidents {

  private static final Logger log = LoggerFactory.getLogger(Incidents.class);

  private final long quietMillis;

  Incidents(Duration quiet) {
    this.quietMillis = quiet.toMillis();
  }

  /** Remembers the root of a verified checkpoint. */
  static void verified(Step s, long size, byte[] root) {
    s.incidents = s.incidents.withRoot(size, root);
  }

  /** The root we verified at {@code size}, or null if it is not (or no longer) remembered. */
  static byte[] verifiedRoot(IncidentState s, long size) {
    byte[] r = s.roots().get(size);
    return r == null ? null : r.clone();
  }

  /**
   * A second view of the log's tree (split view, rollback, fork): raises its alert unless an open views episode
   * has the same subject (the same type and the same conflicting checkpoint, see {@link #subject}), which it
   * continues with an event. A different fact on the same log is its own episode with its own alert, however close
   * in time: a rollback never masks a later fork.
   */
  void view(Step s, Checkpoint c, LogIncident incident) {
    s.judged(incident);
    List<Episode> open = closeQuietViews(s, s.incidents.views(), c.getObservedAtMillis());
    int i = indexOf(open, incident.subject());
    List<Episode> next = new ArrayList<>(open);
    if (i < 0) {
      next.add(observe(s, c, incident, null, Map.of()));
    } else {
      next.set(i, observe(s, c, incident, open.get(i), Map.of()));
    }
    s.incidents = s.incidents.withViews(next).withIncidentSeen(c.getObservedAtMillis());
  }

  /**
   * What a views episode must share to continue: the type and a checkpoint's size and root. For a split view or a
   * rollback that is the conflicting checkpoint (the other view at its size, the old head replayed); for a fork it is
   * the verified head the log's tree no longer extends: a forked tree that keeps growing shows a new checkpoint every
   * poll, each failing the proof from the same head, and that is one fact until the head moves.
   */
  static String subject(String type, long size, byte[] root) {
    return type + " " + size + " " + Findings.hex(root);
  }

  /** The root of an unsigned extension of the head at {@code size} (see {@link IncidentState#extensions}), or null. */
  static byte[] extension(IncidentState s, long size) {
    byte[] r = s.extensions().get(size);
    return r == null ? null : r.clone();
  }

  private static int indexOf(List<Episode> episodes, String subject) {
    for (int i = 0; i < episodes.size(); i++) {
      if (episodes.get(i).subject().equals(subject)) return i;
    }
    return -1;
  }

  private List<Episode> closeQuietViews(Step s, List<Episode> views, long now) {
    List<Episode> open = new ArrayList<>(views.size());
    for (Episode e : views) {
      if (closeIfQuiet(s, e, now) != null) open.add(e);
    }
    return open;
  }

  /** A checkpoint not validly signed by a trusted key: raises its alert unless the same signer's episode is open. */
  void badSignature(Step s, Checkpoint c, LogIncident incident) {
    s.judged(incident);
    Episode e = closeIfQuiet(s, s.incidents.signature(), c.getObservedAtMillis());
    String subject = incident.subject();
    if (e != null && !e.subject().equals(subject)) {
      resolved(s, e, c.getObservedAtMillis(), "another signer: " + subject);
      e = null;
    }
    s.incidents = s.incidents.withSignature(observe(s, c, incident, e, Map.of()))
        .withIncidentSeen(c.getObservedAtMillis());
  }

  /** A validly signed checkpoint: ends a run of bad signatures. */
  void goodSignature(Step s, Checkpoint c) {
    if (s.incidents.signature() == null) return;
    resolved(s, s.incidents.signature(), c.getObservedAtMillis(), "validly signed checkpoint");
    s.incidents = s.incidents.withSignature(null);
  }

  /**
   * A Rekor v2 checkpoint that fails the witness policy: raises its alert if no witness episode is open, else an
   * INCIDENT_CONTINUES event carrying the failure's detail (the checkpoint's cosigned / missing / invalid witnesses).
   *
   * <p>The subject is the part of the failure that must stay the same for the episode to continue: the witnesses
   * whose cosignature is <em>invalid</em>. Which witnesses are merely missing may change freely (an outage that
   * spreads or recovers witness by witness, or witnesses that time out on alternate checkpoints, stays one incident:
   * the policy was unmet throughout, and each event names the current set). A change in the invalid set is another
   * incident: a cosignature line under a witness's key that does not verify is a bug or a forgery, not an outage, and
   * needs its own alert; the open episode is resolved ("witness failure changed") and a new one opens with the
   * incident's alert. Its alert id must therefore differ from the open episode's.
   */
  void witnessFailed(Step s, Checkpoint c, LogIncident.WitnessFailure incident) {
    s.judged(incident);
    String subject = incident.subject();
    Episode e = closeIfQuiet(s, s.incidents.witness(), c.getObservedAtMillis());
    if (e != null && !e.subject().equals(subject)) {
      resolved(s, e, c.getObservedAtMillis(), "witness failure changed: " + subject);
      e = null;
    }
    s.incidents = s.incidents.withWitness(observe(s, c, incident, e, incident.detail()));
  }

  /** A Rekor v2 checkpoint that satisfies the witness policy: ends the witness episode. */
  void witnessSatisfied(Step s, Checkpoint c) {
    if (s.incidents.witness() == null) return;
    Episode e = closeIfQuiet(s, s.incidents.witness(), c.getObservedAtMillis());
    if (e != null) resolved(s, e, c.getObservedAtMillis(), "witness policy satisfied");
    s.incidents = s.incidents.withWitness(null);
  }

  /** Closes every episode of the step's log quiet at wall-clock {@code now}. */
  void closeQuiet(Step s, long now) {
    IncidentState i = s.incidents;
    List<Episode> v = closeQuietViews(s, i.views(), now);
    Episode g = closeIfQuiet(s, i.signature(), now);
    Episode w = closeIfQuiet(s, i.witness(), now);
    if (v.size() != i.views().size() || g != i.signature() || w != i.witness()) {
      s.incidents = new IncidentState(v, g, w, i.roots(), i.unproven(), i.incidentSeenAtMillis(), i.extensions());
    }
  }

  /** Opens an episode with the incident's alert, or continues {@code open} with an event that also carries {@code detail}. */
  private Episode observe(Step s, Checkpoint c, LogIncident incident, Episode open, Map<String, String> detail) {
    Alert alert = incident.alert();
    long at = c.getObservedAtMillis();
    if (open == null) {
      s.alert(alert);
      return Episode.open(alert.getType(), alert.getAlertId(), incident.subject(), at, c.getTreeSize());
    }
    Episode e = open.seen(at, c.getTreeSize());
    Map<String, String> d = new HashMap<>(detail);
    d.putAll(Map.of("alertId", e.alertId(), "incidentType", e.type(), "observed", alert.getType(),
        "observations", Long.toString(e.observations()), "openedAtMillis", Long.toString(e.openedAtMillis())));
    LogEvent ev = Findings.event("INCIDENT_CONTINUES", c.getLogId(), c.getTreeSize(),
        CheckpointSignatures.bytes(c.getRootHash()), at, d);
    ev.setEventId(Findings.id("INCIDENT_CONTINUES", c.getLogId(), e.alertId(), e.observations()));
    s.event(ev);
    log.debug("{}: {} incident {} continues ({} observations): {}", c.getLogId(), e.type(), e.alertId(),
        e.observations(), alert.getSummary());
    return e;
  }

  private Episode closeIfQuiet(Step s, Episode e, long now) {
    if (e == null || !e.quietAt(now, quietMillis)) return e;
    resolved(s, e, now, "quiet for " + Duration.ofMillis(quietMillis));
    return null;
  }

  private void resolved(Step s, Episode e, long at, String why) {
    s.event(resolvedEvent(s.logId, e.type(), e.alertId(), e.observations(), e.lastSize(), at, why, Map.of(
        "openedAtMillis", Long.toString(e.openedAtMillis()),
        "lastSeenAtMillis", Long.toString(e.lastSeenAtMillis()))));
    log.info("{}: {} incident {} resolved after {} observations ({})", s.logId, e.type(), e.alertId(),
        e.observations(), why);
  }

  /**
   * The INCIDENT_RESOLVED event that ends the incident of alert {@code alertId}: detail {@code alertId},
   * {@code incidentType}, {@code observations}, {@code reason}, plus {@code more} (an episode's
   * {@code openedAtMillis} and {@code lastSeenAtMillis}; a stale log's sizes, see {@link StaleLog}). Its id is over
   * the alert id and the observation count, so a replay of the same input resolves with the same id.
   *
   * @param size the tree size of the incident's latest observation
   * @param atMillis when it was resolved
   */
  static LogEvent resolvedEvent(String logId, String type, String alertId, long observations, long size,
      long atMillis, String reason, Map<String, String> more) {
    Map<String, String> d = new HashMap<>(more);
    d.putAll(Map.of("alertId", alertId, "incidentType", type, "observations", Long.toString(observations),
        "reason", reason));
    LogEvent ev = Findings.event("INCIDENT_RESOLVED", logId, size, null, atMillis, d);
    ev.setEventId(Findings.id("INCIDENT_RESOLVED", logId, alertId, observations));
    return ev;
  }

  /**
   * Who signed a checkpoint: the signature lines' key names and 4-byte key ids of a signed note ("name+keyid",
   * sorted), or the origin for an RFC 6962 tree head.
   */
  static String signers(Checkpoint c) {
    String note = new String(CheckpointSignatures.bytes(c.getRawNote()), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String line : note.split("\n", -1)) {
      if (!line.startsWith("\u2014 ")) continue;
      String[] parts = line.substring(2).split(" ");
      if (parts.length != 2) continue;
      String id;
      try {
        byte[] sig = Base64.getDecoder().decode(parts[1]);
        id = sig.length < 4 ? "?" : HexFormat.of().formatHex(sig, 0, 4);
      } catch (IllegalArgumentException e) {
        id = "?";
      }
      out.add(parts[0] + "+" + id);
    }
    if (out.isEmpty()) return c.getOrigin() == null ? c.getLogId() : c.getOrigin().toString();
    out.sort(null);
    return String.join(",", out);
  }
}
