package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incident episodes per log: one alert per incident, not one per poll. A log that shows a second view of its tree
 * (split view, rollback, fork) opens a views episode with one alert; further conflicting observations while it is
 * open are INCIDENT_CONTINUES events with counts. Bad signatures and unknown keys from the same signer in a row are
 * one signature episode, closed by the next validly signed checkpoint. An episode with no observation for the quiet
 * period closes with INCIDENT_RESOLVED: at the next observation (by its event time, so a replay of the same input
 * closes at the same place and raises the same alert ids) or at the wall-clock punctuation. Confined to one
 * processor's thread.
 */
final class Incidents {

  private static final Logger log = LoggerFactory.getLogger(Incidents.class);

  private final KeyValueStore<String, IncidentState> store;
  private final Emitter emit;
  private final long quietMillis;

  Incidents(KeyValueStore<String, IncidentState> store, Emitter emit, Duration quiet) {
    this.store = store;
    this.emit = emit;
    this.quietMillis = quiet.toMillis();
  }

  private IncidentState state(String logId) {
    IncidentState s = store.get(logId);
    return s == null ? IncidentState.EMPTY : s;
  }

  /** Remembers the root of a verified checkpoint. */
  void verified(String logId, long size, byte[] root) {
    store.put(logId, state(logId).withRoot(size, root));
  }

  /** The root we verified at {@code size}, or null if it is not (or no longer) remembered. */
  byte[] verifiedRoot(String logId, long size) {
    byte[] r = state(logId).roots().get(size);
    return r == null ? null : r.clone();
  }

  /** A second view of the log's tree: raises {@code alert} if no views episode is open, else an event. */
  void view(Record<?, ?> cause, Checkpoint c, Alert alert) {
    String logId = c.getLogId();
    IncidentState s = state(logId);
    Episode e = closeIfQuiet(cause, logId, s.views(), c.getObservedAtMillis());
    e = observe(cause, c, alert, e, "");
    store.put(logId, s.withViews(e));
  }

  /** A checkpoint not validly signed by a trusted key: raises {@code alert} unless the same signer's episode is open. */
  void badSignature(Record<?, ?> cause, Checkpoint c, Alert alert) {
    String logId = c.getLogId();
    IncidentState s = state(logId);
    Episode e = closeIfQuiet(cause, logId, s.signature(), c.getObservedAtMillis());
    String subject = alert.getType() + " " + signers(c);
    if (e != null && !e.subject().equals(subject)) {
      resolved(cause, logId, e, c.getObservedAtMillis(), "another signer: " + subject);
      e = null;
    }
    store.put(logId, s.withSignature(observe(cause, c, alert, e, subject)));
  }

  /** A validly signed checkpoint: ends a run of bad signatures. */
  void goodSignature(Record<?, ?> cause, Checkpoint c) {
    IncidentState s = store.get(c.getLogId());
    if (s == null || s.signature() == null) return;
    resolved(cause, c.getLogId(), s.signature(), c.getObservedAtMillis(), "validly signed checkpoint");
    store.put(c.getLogId(), s.withSignature(null));
  }

  /** Closes every episode quiet at wall-clock {@code now}. */
  void closeQuiet(long now) {
    List<KeyValue<String, IncidentState>> all = new ArrayList<>();
    try (KeyValueIterator<String, IncidentState> it = store.all()) {
      while (it.hasNext()) all.add(it.next());
    }
    for (KeyValue<String, IncidentState> kv : all) {
      Record<String, Void> cause = new Record<>(kv.key, null, now);
      Episode v = closeIfQuiet(cause, kv.key, kv.value.views(), now);
      Episode g = closeIfQuiet(cause, kv.key, kv.value.signature(), now);
      if (v != kv.value.views() || g != kv.value.signature()) {
        store.put(kv.key, new IncidentState(v, g, kv.value.roots()));
      }
    }
  }

  private Episode observe(Record<?, ?> cause, Checkpoint c, Alert alert, Episode open, String subject) {
    long at = c.getObservedAtMillis();
    if (open == null) {
      emit.alert(cause, alert);
      return Episode.open(alert.getType(), alert.getAlertId(), subject, at, c.getTreeSize());
    }
    Episode e = open.seen(at, c.getTreeSize());
    LogEvent ev = Findings.event("INCIDENT_CONTINUES", c.getLogId(), c.getTreeSize(),
        CheckpointSignatures.bytes(c.getRootHash()), at, Map.of(
            "alertId", e.alertId(), "incidentType", e.type(), "observed", alert.getType(),
            "observations", Long.toString(e.observations()), "openedAtMillis", Long.toString(e.openedAtMillis())));
    ev.setEventId(Findings.id("INCIDENT_CONTINUES", c.getLogId(), e.alertId(), e.observations()));
    emit.event(cause, ev);
    log.debug("{}: {} incident {} continues ({} observations): {}", c.getLogId(), e.type(), e.alertId(),
        e.observations(), alert.getSummary());
    return e;
  }

  private Episode closeIfQuiet(Record<?, ?> cause, String logId, Episode e, long now) {
    if (e == null || !e.quietAt(now, quietMillis)) return e;
    resolved(cause, logId, e, now, "quiet for " + Duration.ofMillis(quietMillis));
    return null;
  }

  private void resolved(Record<?, ?> cause, String logId, Episode e, long at, String why) {
    LogEvent ev = Findings.event("INCIDENT_RESOLVED", logId, e.lastSize(), null, at, Map.of(
        "alertId", e.alertId(), "incidentType", e.type(), "observations", Long.toString(e.observations()),
        "openedAtMillis", Long.toString(e.openedAtMillis()), "lastSeenAtMillis", Long.toString(e.lastSeenAtMillis()),
        "reason", why));
    ev.setEventId(Findings.id("INCIDENT_RESOLVED", logId, e.alertId(), e.observations()));
    emit.event(cause, ev);
    log.info("{}: {} incident {} resolved after {} observations ({})", logId, e.type(), e.alertId(),
        e.observations(), why);
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
