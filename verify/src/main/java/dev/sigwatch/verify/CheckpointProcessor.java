package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.ShardState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies each checkpoint: the log's signature (key by id and validity), the witness policy (Rekor v2), consistency
 * with the last verified checkpoint of the same tree (split view, rollback, fork), Rekor v1 shard rotation and frozen
 * shards, and liveness. Verified checkpoints are forwarded to the full audit. One instance per task, confined to its
 * stream thread.
 *
 * <p>Signature, view and witness failures are {@link Incidents} episodes: one alert when an episode opens,
 * INCIDENT_CONTINUES events while it lasts, INCIDENT_RESOLVED when it ends. A log that keeps growing while a witness
 * is down is one WITNESS_POLICY alert, not one per checkpoint; the next checkpoint that satisfies the policy (or the
 * quiet period) resolves it. A witness failure never stops verification: the checkpoint is still checked for
 * consistency and audited.
 *
 * <p>Liveness: a log whose checkpoint has not advanced for {@code staleAfter} (checked by a wall-clock punctuator),
 * or whose signed timestamp is older than that, raises one STALE_LOG alert per episode (a log seen within
 * {@code staleAfter} serving checkpoints of a view or signature incident is publishing, not stale: that
 * incident's alert already covers it); its id is kept in the log's
 * {@link LogState}. The first growth afterwards ends the episode with RECOVERED and INCIDENT_RESOLVED, both naming
 * that alert ({@link StaleLog}). A stale log that becomes frozen instead (a Rekor v1 shard republished as INACTIVE,
 * or a shard quiet past its validity end) ends it with INCIDENT_RESOLVED alone ("shard frozen at size N"). A frozen
 * shard is never stale.
 */
final class CheckpointProcessor implements Processor<String, Checkpoint, String, VerifyOutput> {

  private static final Logger log = LoggerFactory.getLogger(CheckpointProcessor.class);
  private static final String SOURCE = "verify.checkpoints";

  private final CheckpointSignatures signatures;
  private final WitnessCheck witnesses;
  private final boolean witnessPolicy;
  private final int witnessThreshold;
  private final Duration staleAfter;
  private final Duration livenessInterval;
  private final Duration incidentQuiet;
  private final Duration unprovenAfter;
  private ProcessorContext<String, VerifyOutput> context;
  private KeyValueStore<String, LogState> states;
  private Emitter emit;
  private Incidents incidents;

  CheckpointProcessor(VerifySettings settings) {
    this.signatures = new CheckpointSignatures(settings::rootNow, settings.origins());
    this.witnesses = new WitnessCheck(settings.witnessPolicy());
    this.witnessPolicy = settings.witnessPolicy().enabled();
    this.witnessThreshold = settings.witnessPolicy().threshold();
    this.staleAfter = settings.staleAfter();
    this.livenessInterval = settings.livenessInterval();
    this.incidentQuiet = settings.incidentQuiet();
    this.unprovenAfter = settings.unprovenAfter();
  }

  @Override
  public void init(ProcessorContext<String, VerifyOutput> context) {
    this.context = context;
    this.states = context.getStateStore(VerifyTopology.LOG_STATE_STORE);
    this.emit = new Emitter(context, context.getStateStore(VerifyTopology.CHECKPOINT_ALERT_IDS_STORE));
    this.incidents = new Incidents(context.getStateStore(VerifyTopology.INCIDENT_STORE), emit, incidentQuiet);
    context.schedule(livenessInterval, PunctuationType.WALL_CLOCK_TIME, this::checkLiveness);
  }

  /**
   * Called with every checkpoint before it is processed; throws to simulate an unexpected failure of the stage. Only
   * tests of the stage's recovery set it ({@link GuardedProcessor}, {@link VerifyService}'s exception handler).
   */
  static volatile java.util.function.Consumer<Checkpoint> injectedFault = c -> { };

  @Override
  public void process(Record<String, Checkpoint> record) {
    Checkpoint c = record.value();
    if (c != null) injectedFault.accept(c);
    if (c == null) {
      emit.reject(record, record.key(), SOURCE, "null checkpoint value");
      return;
    }
    String logId = c.getLogId();
    if (record.key() != null && !record.key().equals(logId)) {
      emit.reject(record, logId, SOURCE, "key \"" + record.key() + "\" is not the checkpoint's logId \"" + logId + "\"");
      return;
    }
    byte[] root = CheckpointSignatures.bytes(c.getRootHash());
    SignatureOutcome sig = signatures.verify(c);
    if (sig instanceof SignatureOutcome.Malformed m) {
      emit.reject(record, logId, SOURCE, m.reason());
    } else if (sig instanceof SignatureOutcome.UnknownKey u) {
      extension(c, root);
      incidents.badSignature(record, c, build(c, Findings.UNKNOWN_KEY,
          logId + ": checkpoint of size " + c.getTreeSize() + " is not signed by a trusted key: " + u.reason(),
          null, Map.of("reason", u.reason(), "signers", Incidents.signers(c)), c.getTreeSize(), root));
    } else if (sig instanceof SignatureOutcome.Bad b) {
      extension(c, root);
      incidents.badSignature(record, c, build(c, Findings.BAD_SIGNATURE,
          logId + ": bad signature on checkpoint of size " + c.getTreeSize() + ": " + b.reason(),
          null, Map.of("reason", b.reason(), "signers", Incidents.signers(c)), c.getTreeSize(), root));
    } else if (sig instanceof SignatureOutcome.Valid v) {
      onVerified(record, c, root, v);
    }
  }

  private void onVerified(Record<String, Checkpoint> record, Checkpoint c, byte[] root, SignatureOutcome.Valid v) {
    String logId = c.getLogId();
    incidents.goodSignature(record, c);
    if (witnessPolicy && c.getLogType() == LogType.REKOR_V2 && v.note() != null) {
      checkWitnesses(record, c, root, witnesses.check(v.note()));
    }
    checkDisappeared(record, c);
    LogState prev = states.get(logId);
    boolean inactive = c.getShardState() == ShardState.INACTIVE;
    if (prev == null) {
      accept(record, c, root, null, inactive, "first checkpoint seen");
      return;
    }
    String prevNote = new String(prev.rawNote(), StandardCharsets.UTF_8);
    boolean sameRoot = Arrays.equals(prev.root(), root);
    if (prev.frozen()) {
      if (c.getTreeSize() != prev.size() || !sameRoot) {
        alert(record, c, Findings.SHARD_CHANGED, String.format(Locale.ROOT,
            "%s: frozen shard changed from size %d to %d", logId, prev.size(), c.getTreeSize()), prevNote,
            Map.of("frozenSize", Long.toString(prev.size()), "frozenRoot", Findings.hex(prev.root())),
            c.getTreeSize(), root);
      }
      return;
    }
    if (v.keyExpired() && c.getTreeSize() > prev.size()) {
      alert(record, c, Findings.SHARD_CHANGED, logId + ": shard grew after its key's validity ended", prevNote,
          Map.of("reason", "key " + v.keyId() + " expired"), c.getTreeSize(), root);
      return;
    }
    if (c.getTreeSize() == prev.size()) {
      if (!sameRoot) {
        incidents.view(record, c, build(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
            "%s: two checkpoints of size %d with different roots", logId, c.getTreeSize()), prevNote,
            Map.of("root1", Findings.hex(prev.root()), "root2", Findings.hex(root)), c.getTreeSize(), prev.root(), root),
            Incidents.subject(Findings.SPLIT_VIEW, c.getTreeSize(), root));
      } else if (inactive) {
        rotate(record, c, prev, root);
      } else {
        checkTimestamp(record, c, root);
      }
      return;
    }
    if (c.getTreeSize() < prev.size()) {
      smaller(record, c, root, prev, prevNote);
      return;
    }
    if (prev.size() == 0) { // the empty tree is a prefix of every tree: nothing to prove
      if (inactive) {
        rotate(record, c, prev, root);
      } else {
        accept(record, c, root, prev, false, "extends the empty tree");
      }
      return;
    }
    List<byte[]> proof = proof(c);
    Long from = c.getProofFromSize();
    // Only a proof from the trusted head itself makes a larger checkpoint the new head: one from an earlier verified
    // size proves a common prefix, not that the head is a prefix of it (both may extend size `from` differently).
    if (from != null && from == prev.size()) {
      try {
        MerkleVerifier.verifyConsistency(from, c.getTreeSize(), proof, prev.root(), root);
      } catch (ProofException e) {
        Map<String, String> ev = proofEvidence(from, c.getTreeSize(), prev.root(), root, proof, e);
        ev.put("verifiedSize", Long.toString(prev.size()));
        incidents.view(record, c, build(c, Findings.FORK, String.format(Locale.ROOT,
            "%s: checkpoint of size %d is not consistent with size %d: %s", logId, c.getTreeSize(), from,
            e.getMessage()), prevNote, ev, c.getTreeSize(), from, prev.root(), root),
            Incidents.subject(Findings.FORK, prev.size(), prev.root()));
        return;
      }
      if (inactive) {
        rotate(record, c, prev, root);
      } else {
        accept(record, c, root, prev, false, "consistent with size " + prev.size());
      }
      return;
    }
    byte[] ext = from == null || from <= prev.size() || from >= c.getTreeSize() ? null
        : incidents.extension(logId, from);
    if (ext != null && consistent(from, c, proof, ext)) {
      // Proven from a root that was itself proven to extend the head (a checkpoint not accepted for its signature).
      if (inactive) {
        rotate(record, c, prev, root);
      } else {
        accept(record, c, root, prev, false, "consistent with size " + prev.size() + " via size " + from);
      }
      return;
    }
    byte[] earlier = from == null || from >= c.getTreeSize() ? null : incidents.verifiedRoot(logId, from);
    if (earlier != null && !consistent(from, c, proof, earlier)) {
      // It does not even extend a size we verified: a fork of our tree from before the head.
      Map<String, String> ev = proofEvidence(from, c.getTreeSize(), earlier, root, proof, null);
      ev.put("verifiedSize", Long.toString(prev.size()));
      incidents.view(record, c, build(c, Findings.FORK, String.format(Locale.ROOT,
          "%s: checkpoint of size %d is not consistent with size %d", logId, c.getTreeSize(), from), prevNote, ev,
          c.getTreeSize(), from, earlier, root), Incidents.subject(Findings.FORK, prev.size(), prev.root()));
      return;
    }
    unproven(record, c, root, prev, from, earlier != null);
  }

  /**
   * A checkpoint not accepted for its signature that is larger than the head: if its proof from the head (or from an
   * earlier such root) verifies, its root is kept as an extension of the head. Ingest proves the next checkpoint from
   * it (ingest has no keys: its chain of proven heads takes any checkpoint whose proof verifies), and the chain head →
   * this root → the next checkpoint proves the next one extends the head. Without it the head would be stuck.
   */
  private void extension(Checkpoint c, byte[] root) {
    LogState prev = states.get(c.getLogId());
    Long from = c.getProofFromSize();
    if (prev == null || prev.frozen() || from == null || c.getTreeSize() <= prev.size() || from >= c.getTreeSize()) {
      return;
    }
    byte[] fromRoot = from == prev.size() ? prev.root() : incidents.extension(c.getLogId(), from);
    if (fromRoot != null && consistent(from, c, proof(c), fromRoot)) {
      incidents.extension(c.getLogId(), c.getTreeSize(), root);
    }
  }

  private static List<byte[]> proof(Checkpoint c) {
    return c.getConsistencyProof().stream().map(CheckpointSignatures::bytes).toList();
  }

  /** Whether {@code proof} proves the tree of size {@code from} with {@code fromRoot} a prefix of {@code c}. */
  private static boolean consistent(long from, Checkpoint c, List<byte[]> proof, byte[] fromRoot) {
    try {
      MerkleVerifier.verifyConsistency(from, c.getTreeSize(), proof, fromRoot,
          CheckpointSignatures.bytes(c.getRootHash()));
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  private static Map<String, String> proofEvidence(long size1, long size2, byte[] root1, byte[] root2,
      List<byte[]> proof, ProofException e) {
    Map<String, String> ev = new HashMap<>();
    ev.put("size1", Long.toString(size1));
    ev.put("size2", Long.toString(size2));
    ev.put("root1", Findings.hex(root1));
    ev.put("root2", Findings.hex(root2));
    ev.put("proof", proof.stream().map(h -> Base64.getEncoder().encodeToString(h)).collect(Collectors.joining(",")));
    ev.put("reason", e == null ? "the consistency proof does not verify" : e.getMessage());
    return ev;
  }

  /**
   * A checkpoint larger than the trusted head {@code prev} whose consistency with it is not proven: no proof, or one
   * from a size other than the head's. It never becomes the head (the audit is not given it either); ingest asks for
   * the proof again on its next poll. The log's newest unproven checkpoint is kept; once the log has had one for
   * longer than {@code unprovenAfter}, one UNPROVEN_CONSISTENCY alert says verification is stuck.
   */
  private void unproven(Record<String, Checkpoint> record, Checkpoint c, byte[] root, LogState prev, Long from,
      boolean extendsVerified) {
    String logId = c.getLogId();
    emit.event(record, Findings.event("CONSISTENCY_UNPROVEN", logId, c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("verifiedSize", Long.toString(prev.size()), "proofFromSize", String.valueOf(from),
            "extendsVerifiedSize", extendsVerified ? Long.toString(from) : "none")));
    log.warn("{}: checkpoint of size {} not accepted: no consistency proof from the trusted head {} (proof from {})",
        logId, c.getTreeSize(), prev.size(), from);
    IncidentState.Unproven u = incidents.unproven(logId);
    u = new IncidentState.Unproven(c.getTreeSize(), root, u == null ? c.getObservedAtMillis() : u.sinceMillis(),
        u == null ? null : u.alertId());
    incidents.unproven(logId, u);
    checkUnproven(record.timestamp(), logId, prev, u, c.getObservedAtMillis());
  }

  /** Raises UNPROVEN_CONSISTENCY if {@code u} has lasted longer than the bound at {@code now} and none was raised. */
  private void checkUnproven(long cause, String logId, LogState head, IncidentState.Unproven u, long now) {
    if (u == null || u.alertId() != null || now - u.sinceMillis() <= unprovenAfter.toMillis()) return;
    Alert a = Findings.alert(Findings.id(Findings.UNPROVEN_CONSISTENCY, logId, head.size(), head.root(),
        u.sinceMillis()), Findings.UNPROVEN_CONSISTENCY, logId, head.size(), String.format(Locale.ROOT,
        "%s: no checkpoint since size %d has been proven consistent with it for %s (newest: size %d); verification "
            + "is stuck at size %d", logId, head.size(), unprovenAfter, u.size(), head.size()),
        Map.of("checkpoint", new String(head.rawNote(), StandardCharsets.UTF_8), "verifiedSize",
            Long.toString(head.size()), "unprovenSize", Long.toString(u.size()), "unprovenRoot", Findings.hex(u.root()),
            "unprovenSinceMillis", Long.toString(u.sinceMillis()), "unprovenAfter", unprovenAfter.toString()), now);
    emit.alert(new Record<>(logId, null, cause), a);
    incidents.unproven(logId, u.alerted(a.getAlertId()));
  }

  /** The trusted head moved (or froze): ends the log's unproven checkpoint and its alert, if any. */
  private void proven(Record<?, ?> cause, String logId, long size, long atMillis) {
    IncidentState.Unproven u = incidents.unproven(logId);
    if (u == null) return;
    incidents.unproven(logId, null);
    if (u.alertId() == null) return;
    emit.event(cause, Incidents.resolvedEvent(logId, Findings.UNPROVEN_CONSISTENCY, u.alertId(), 1, size, atMillis,
        "consistency proven at size " + size, Map.of("unprovenSize", Long.toString(u.size()))));
    log.info("{}: UNPROVEN_CONSISTENCY alert {} resolved at size {}", logId, u.alertId(), size);
  }

  /**
   * The witness policy on a validly signed Rekor v2 checkpoint. A failure opens or continues the log's witness
   * episode ({@link Incidents#witnessFailed}); a pass ends it. The alert id names the opening checkpoint (size, root,
   * ingest's observation time) and its invalid witnesses: deterministic for a replay, yet new for a new episode on
   * the same head (ingest republishes a head whose cosignatures changed, so an idle log's head can fail, pass and
   * fail again; an id of size and root alone would be suppressed as already raised).
   */
  private void checkWitnesses(Record<String, Checkpoint> record, Checkpoint c, byte[] root, WitnessCheck.Result w) {
    if (w.satisfied()) {
      incidents.witnessSatisfied(record, c);
      return;
    }
    Map<String, String> detail = Map.of("cosigned", String.join(",", w.cosigned()),
        "missing", String.join(",", w.missing()), "invalid", String.join(",", w.invalid()));
    String subject = "invalid witnesses: " + (w.invalid().isEmpty() ? "none" : String.join(",", w.invalid()));
    incidents.witnessFailed(record, c, build(c, Findings.WITNESS_POLICY, String.format(Locale.ROOT,
        "%s: checkpoint of size %d has %d valid witness cosignatures, policy wants %d",
        c.getLogId(), c.getTreeSize(), w.cosigned().size(), witnessThreshold), null, detail,
        c.getTreeSize(), root, subject, c.getObservedAtMillis()), subject, detail);
  }

  /** The old active tree now listed as inactive at a final size consistent with its last checkpoint. */
  private void rotate(Record<String, Checkpoint> record, Checkpoint c, LogState prev, byte[] root) {
    states.put(c.getLogId(), new LogState(c.getTreeSize(), root, CheckpointSignatures.bytes(c.getRawNote()),
        c.getObservedAtMillis(), c.getObservedAtMillis(), true));
    emit.event(record, Findings.event("SHARD_ROTATED", c.getLogId(), c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("previousSize", Long.toString(prev.size()))));
    incidents.verified(c.getLogId(), c.getTreeSize(), root);
    proven(record, c.getLogId(), c.getTreeSize(), c.getObservedAtMillis());
    log.info("{}: shard frozen at size {}", c.getLogId(), c.getTreeSize());
    endStaleAsFrozen(record, c.getLogId(), prev, c.getTreeSize(), c.getObservedAtMillis());
    if (c.getTreeSize() > prev.size()) emit.verified(record, c);
  }

  /** If {@code prev} is stale, the log's freezing at {@code size} ends that episode (the frozen state has no id). */
  private void endStaleAsFrozen(Record<?, ?> cause, String logId, LogState prev, long size, long atMillis) {
    if (!prev.stale()) return;
    emit.event(cause, StaleLog.frozen(logId, prev, size, atMillis));
    log.info("{}: STALE_LOG alert {} resolved: shard frozen at size {}", logId, StaleLog.openAlertId(logId, prev),
        size);
  }

  /** A checkpoint that extends {@code prev} (null for a log's first): the new state; ends a stale episode. */
  private void accept(Record<String, Checkpoint> record, Checkpoint c, byte[] root, LogState prev, boolean frozen,
      String how) {
    String logId = c.getLogId();
    states.put(logId, new LogState(c.getTreeSize(), root, CheckpointSignatures.bytes(c.getRawNote()),
        c.getObservedAtMillis(), c.getObservedAtMillis(), frozen));
    incidents.verified(logId, c.getTreeSize(), root);
    proven(record, logId, c.getTreeSize(), c.getObservedAtMillis());
    emit.event(record, Findings.event("CHECKPOINT_VERIFIED", logId, c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("consistency", how)));
    if (prev != null && prev.stale()) {
      StaleLog.ended(logId, prev, c.getTreeSize(), root, c.getObservedAtMillis()).forEach(e -> emit.event(record, e));
      log.info("{}: recovered at size {} (STALE_LOG alert {} resolved)", logId, c.getTreeSize(),
          StaleLog.openAlertId(logId, prev));
    }
    emit.verified(record, c);
    checkTimestamp(record, c, root);
  }

  /** A checkpoint whose signed timestamp is older than the staleness bound when observed: stale. */
  private void checkTimestamp(Record<String, Checkpoint> record, Checkpoint c, byte[] root) {
    Long ts = c.getTimestampMillis();
    if (ts == null || c.getObservedAtMillis() - ts <= staleAfter.toMillis()) return;
    LogState s = states.get(c.getLogId());
    stale(record.timestamp(), c.getLogId(), s, "signed timestamp " + ts + " is older than " + staleAfter);
  }

  /**
   * Rekor v1: a frozen shard of the same instance that the log no longer lists. The instance is the trusted root's
   * log URL the shards' keys belong to ({@link CheckpointSignatures#rekorV1Instance}), not the hostname in the log id:
   * two Rekor v1 servers may share a hostname (it defaults to the machine's name), and one never lists the other's
   * shards. A shard whose instance cannot be told is never reported.
   */
  private void checkDisappeared(Record<String, Checkpoint> record, Checkpoint c) {
    if (c.getLogType() != LogType.REKOR_V1 || c.getActiveShards().isEmpty()) return;
    java.util.Set<String> instance = signatures.rekorV1Instance(CheckpointSignatures.bytes(c.getRawNote()));
    if (instance.isEmpty()) return;
    List<String> listed = c.getActiveShards().stream().map(CharSequence::toString).toList();
    List<KeyValue<String, LogState>> gone = new ArrayList<>();
    try (KeyValueIterator<String, LogState> it = states.all()) {
      while (it.hasNext()) {
        KeyValue<String, LogState> kv = it.next();
        if (kv.value.frozen() && !listed.contains(kv.key) && kv.key.contains(" - ")
            && !java.util.Collections.disjoint(instance, signatures.rekorV1Instance(kv.value.rawNote()))) {
          gone.add(kv);
        }
      }
    }
    for (KeyValue<String, LogState> kv : gone) {
      String id = Findings.id(Findings.SHARD_CHANGED, kv.key, kv.value.size(), kv.value.root(), "disappeared");
      emit.alert(record, Findings.alert(id, Findings.SHARD_CHANGED, kv.key, kv.value.size(),
          kv.key + ": frozen shard is no longer listed by the log", Map.of(
              "frozenCheckpoint", new String(kv.value.rawNote(), StandardCharsets.UTF_8),
              "listedShards", String.join(",", listed)), c.getObservedAtMillis()));
    }
  }

  private void checkLiveness(long now) {
    incidents.closeQuiet(now);
    List<KeyValue<String, LogState>> all = new ArrayList<>();
    try (KeyValueIterator<String, LogState> it = states.all()) {
      while (it.hasNext()) all.add(it.next());
    }
    for (KeyValue<String, LogState> kv : all) {
      LogState s = kv.value;
      checkUnproven(now, kv.key, s, incidents.unproven(kv.key), now);
      java.util.Optional<java.time.Instant> end = s.frozen() ? java.util.Optional.empty() : signatures.endOf(kv.key);
      if (end.isPresent() && now >= end.get().toEpochMilli()) {
        // A shard past its validity end is expected to stop growing: once it has been quiet for staleAfter after
        // its end it is frozen at its last verified checkpoint (never stale); growth after the end is SHARD_CHANGED.
        if (now - Math.max(s.progressAtMillis(), end.get().toEpochMilli()) > staleAfter.toMillis()) {
          states.put(kv.key, new LogState(s.size(), s.root(), s.rawNote(), s.observedAtMillis(), s.progressAtMillis(),
              true));
          emit.event(new Record<>(kv.key, null, now), Findings.event("SHARD_ENDED", kv.key, s.size(), s.root(), now,
              Map.of("validUntil", end.get().toString())));
          log.info("{}: shard ended as planned at {}; frozen at size {}", kv.key, end.get(), s.size());
          endStaleAsFrozen(new Record<>(kv.key, null, now), kv.key, s, s.size(), now);
        }
        continue;
      }
      // A log that shows an open integrity incident (a fork growing on, a run of bad signatures) is not also stale:
      // it is publishing, and that incident's alert already says why its head does not move.
      long alive = Math.max(s.progressAtMillis(), incidents.lastSeenInIncident(kv.key));
      if (!s.frozen() && !s.stale() && now - alive > staleAfter.toMillis()) {
        stale(now, kv.key, s, "no checkpoint progress since " + java.time.Instant.ofEpochMilli(s.progressAtMillis()));
      }
    }
  }

  /** Opens a stale episode at {@code now} (wall-clock or event time) unless one is open: one alert, its id kept. */
  private void stale(long now, String logId, LogState s, String why) {
    if (s == null || s.frozen() || s.stale()) return;
    Alert a = StaleLog.alert(logId, s, why, staleAfter, now);
    emit.alert(new Record<>(logId, null, now), a);
    states.put(logId, s.withStaleAlert(a.getAlertId(), now));
  }

  /**
   * A checkpoint smaller than the verified head {@code prev}. It is a ROLLBACK (an old view replayed) only when it is
   * proven a prefix of the verified tree: its root is ours at its size, or the log's consistency proof from its size
   * to a verified one (ingest fetches it from the smaller size) verifies. Otherwise it is a second tree, a SPLIT_VIEW:
   * another root at a size we verified, a proof that fails, or no proof at all (a log that cannot prove the older view
   * a prefix of the newer one has shown two views until a proof says otherwise).
   */
  private void smaller(Record<String, Checkpoint> record, Checkpoint c, byte[] root, LogState prev, String prevNote) {
    String logId = c.getLogId();
    long size = c.getTreeSize();
    byte[] ours = incidents.verifiedRoot(logId, size);
    if (ours != null) {
      if (Arrays.equals(ours, root)) {
        rollback(record, c, root, prev, prevNote, "verified", Map.of());
      } else {
        incidents.view(record, c, build(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
            "%s: two checkpoints of size %d with different roots (the one verified earlier and one served after size "
                + "%d)", logId, size, prev.size()), prevNote,
            Map.of("root1", Findings.hex(ours), "root2", Findings.hex(root), "verifiedSize", Long.toString(prev.size())),
            size, ours, root), Incidents.subject(Findings.SPLIT_VIEW, size, root));
      }
      return;
    }
    Long to = c.getProofFromSize(); // for a smaller checkpoint, the larger end of its proof
    byte[] toRoot = to == null || to <= size ? null : to == prev.size() ? prev.root() : incidents.verifiedRoot(logId, to);
    List<byte[]> proof = proof(c);
    String why;
    Map<String, String> ev = new HashMap<>();
    if (toRoot != null) {
      try {
        MerkleVerifier.verifyConsistency(size, to, proof, root, toRoot);
        rollback(record, c, root, prev, prevNote, "proven", Map.of("proofToSize", Long.toString(to)));
        return;
      } catch (ProofException e) {
        ev.putAll(proofEvidence(size, to, root, toRoot, proof, e));
        why = "the log's consistency proof to verified size " + to + " fails: " + e.getMessage();
      }
    } else {
      why = "no consistency proof to a verified size" + (to == null ? "" : " (proof to size " + to + ")");
    }
    ev.put("verifiedSize", Long.toString(prev.size()));
    ev.put("verifiedRoot", Findings.hex(prev.root()));
    ev.put("servedRoot", Findings.hex(root));
    ev.put("prefixOfVerified", toRoot != null ? "disproven" : "unproven");
    incidents.view(record, c, build(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
        "%s: checkpoint of size %d served after size %d is not a prefix of the verified tree: %s", logId, size,
        prev.size(), why), prevNote, ev, size, "not-a-prefix", prev.size(), prev.root(), root),
        Incidents.subject(Findings.SPLIT_VIEW, size, root));
  }

  private void rollback(Record<String, Checkpoint> record, Checkpoint c, byte[] root, LogState prev, String prevNote,
      String prefix, Map<String, String> more) {
    Map<String, String> ev = new HashMap<>(more);
    ev.putAll(Map.of("size1", Long.toString(prev.size()), "size2", Long.toString(c.getTreeSize()), "root1",
        Findings.hex(prev.root()), "root2", Findings.hex(root), "prefixOfVerified", prefix));
    incidents.view(record, c, build(c, Findings.ROLLBACK, String.format(Locale.ROOT,
        "%s: checkpoint size went back from %d to %d (prefix of the verified tree: %s)", c.getLogId(), prev.size(),
        c.getTreeSize(), prefix), prevNote, ev, c.getTreeSize(), prev.size(), prev.root(), root),
        Incidents.subject(Findings.ROLLBACK, c.getTreeSize(), root));
  }

  private void alert(Record<String, Checkpoint> record, Checkpoint c, String type, String summary, String previousNote,
      Map<String, String> extra, Object... idParts) {
    emit.alert(record, build(c, type, summary, previousNote, extra, idParts));
  }

  private static Alert build(Checkpoint c, String type, String summary, String previousNote,
      Map<String, String> extra, Object... idParts) {
    Map<String, String> ev = new HashMap<>(extra);
    ev.put("checkpoint", new String(CheckpointSignatures.bytes(c.getRawNote()), StandardCharsets.UTF_8));
    if (previousNote != null) ev.put("previousCheckpoint", previousNote);
    ev.put("sourceUrl", c.getSourceUrl());
    String id = Findings.id(type, c.getLogId(), idParts);
    return Findings.alert(id, type, c.getLogId(), c.getTreeSize(), summary, ev, c.getObservedAtMillis());
  }

}
