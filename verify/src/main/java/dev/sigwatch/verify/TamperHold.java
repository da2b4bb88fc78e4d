package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full audit's memory of forks, for telling a fork's consequence from a tamper: the logs proven to have left their
 * verified head ({@link Divergence}, in memory: a forked log's next checkpoint tells the audit again after a restart),
 * and the TAMPERED_ENTRIES alerts held for {@link AuditProcessor#FORK_GRACE} in case such a divergence explains them
 * (in a changelogged store: alert id → release time, 8 bytes, then the alert). Confined to the audit's stream thread.
 */
final class TamperHold {
  private static final Logger log = LoggerFactory.getLogger(TamperHold.class);

  private final Map<String, Divergence> divergences = new HashMap<>();
  private final KeyValueStore<String, byte[]> held;

  TamperHold(KeyValueStore<String, byte[]> held) {
    this.held = held;
  }

  /** The divergence that explains a mismatch at the verified checkpoint of {@code size}, or null. */
  Divergence explaining(String logId, long size) {
    Divergence d = divergences.get(logId);
    return d != null && size <= d.headSize() ? d : null;
  }

  /** Records that {@code logId} left a verified head; returns the held alerts it explains (no longer held). */
  List<Alert> diverged(String logId, Divergence d) {
    Divergence before = divergences.put(logId, d);
    if (before == null || before.headSize() != d.headSize()) {
      log.info("{}: the log left its verified head of size {} ({}): a mismatch of the entries up to it is that "
          + "incident's, not a separate tamper", logId, d.headSize(), d.incidentType());
    }
    List<Alert> explained = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = held.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        Alert a = alert(kv);
        if (a != null && logId.equals(a.getLogId()) && AuditAlerts.rangeEnd(a) <= d.headSize()) {
          keys.add(kv.key);
          explained.add(a);
        }
      }
    }
    keys.forEach(held::delete);
    return explained;
  }

  /** Holds {@code a} until {@code releaseAtMillis} (wall clock). */
  void hold(Alert a, long releaseAtMillis) {
    ByteBuffer alert;
    try {
      alert = a.toByteBuffer();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(a.getLogId() + ": cannot hold alert " + a.getAlertId(), e);
    }
    held.put(a.getAlertId(), ByteBuffer.allocate(8 + alert.remaining()).putLong(releaseAtMillis).put(alert).array());
  }

  /** The held alerts whose grace is over at {@code now}, no longer held. */
  List<Alert> due(long now) {
    List<KeyValue<String, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = held.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.value.length < 8 || ByteBuffer.wrap(kv.value).getLong() <= now) due.add(kv);
      }
    }
    List<Alert> out = new ArrayList<>();
    for (KeyValue<String, byte[]> kv : due) {
      held.delete(kv.key);
      Alert a = alert(kv);
      if (a != null) out.add(a);
    }
    return out;
  }

  private static Alert alert(KeyValue<String, byte[]> kv) {
    try {
      return Alert.fromByteBuffer(ByteBuffer.wrap(kv.value, 8, kv.value.length - 8));
    } catch (java.io.IOException | RuntimeException e) {
      log.error("held alert {} cannot be read back ({}): dropped", kv.key, e.toString());
      return null;
    }
  }

}
