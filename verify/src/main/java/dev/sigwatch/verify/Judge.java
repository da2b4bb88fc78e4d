package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.ShardState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint rules as a pure state machine: {@link #judge} takes a log's {@link LogView}, one checkpoint (with its
 * signature and witness outcomes, which need the trusted root) and the time, and returns a {@link Judgement}: the
 * {@link Verdict}, the view afterwards and what to emit. {@link #tick} is the wall-clock liveness check of one log. No
 * Kafka, no stores, no clock: {@link CheckpointProcessor} loads the view, calls the judge, stores the view and emits.
 * The rules are tested as data ({@code CheckpointVectorsTest}, one JSON vector per rule). Immutable and thread-safe.
 *
 * <p>The rules, in the order they apply to a checkpoint:
 * <ol>
 *   <li>signature: malformed → DLQ; unknown key → UNKNOWN_KEY, a bad one → BAD_SIGNATURE (one episode per signer,
 *       ended by the next validly signed checkpoint); neither moves the head, but one proven to extend it is kept as
 *       an extension ({@link IncidentState#extensions});
 *   <li>witnesses (Rekor v2): short of the policy → WITNESS_POLICY (one episode while the invalid set is the same),
 *       never stops verification;
 *   <li>frozen shards no longer listed by their Rekor v1 instance → SHARD_CHANGED;
 *   <li>by the log's phase and the checkpoint's size against the head: first seen → head; frozen and changed →
 *       SHARD_CHANGED; grown after its key expired → SHARD_CHANGED; same size, other root → SPLIT_VIEW; smaller →
 *       ROLLBACK if proven a prefix of the verified tree, else SPLIT_VIEW ({@link Views#smaller}); larger with a proof
 *       from the head (or via an extension) → head (or frozen, if listed inactive: an expected rotation), a failing
 *       proof → FORK; a proof from an earlier verified size that fails → FORK; otherwise held unproven, and
 *       UNPROVEN_CONSISTENCY once held past {@code unprovenAfter};
 *   <li>a signed timestamp older than {@code staleAfter} → STALE_LOG.
 * </ol>
 * Split views, rollbacks and forks are {@link Incidents} episodes keyed by their fact: a repeat of the same fact folds
 * (INCIDENT_CONTINUES), a different fact is its own alert however close in time. A stale log's episode ends when it
 * grows (RECOVERED + INCIDENT_RESOLVED) or freezes ({@link StaleLog}).
 */
final class Judge {

  private static final Logger log = LoggerFactory.getLogger(Judge.class);

  /**
   * The judge's bounds.
   *
   * @param staleAfter a log not advancing (or with a signed timestamp older than this) is stale
   * @param incidentQuiet an episode with no observation this long is resolved
   * @param unprovenAfter a log held unproven this long raises UNPROVEN_CONSISTENCY
   * @param witnessThreshold the witness policy's threshold (for the alert's summary)
   */
  record Bounds(Duration staleAfter, Duration incidentQuiet, Duration unprovenAfter, int witnessThreshold) {
    static Bounds of(VerifySettings s) {
      return new Bounds(s.staleAfter(), s.incidentQuiet(), s.unprovenAfter(), s.witnessPolicy().threshold());
    }
  }

  /**
   * One checkpoint to judge.
   *
   * @param checkpoint as ingest published it (its key already checked against its log id)
   * @param signature its signature against the trusted root
   * @param witnesses the witness policy applied to it, or null when none applies (not Rekor v2, no policy, no note)
   * @param unlisted Rekor v1: the frozen shards of the same instance that this checkpoint's active-shard list no
   *     longer names (empty otherwise); each is a SHARD_CHANGED alert if its signature is valid
   */
  record Observation(Checkpoint checkpoint, SignatureOutcome signature, WitnessCheck.Result witnesses,
      List<Map.Entry<String, LogState>> unlisted) {
    Observation {
      unlisted = List.copyOf(unlisted);
    }
  }

  private final Bounds bounds;
  private final Incidents incidents;
  private final Views views;

  Judge(Bounds bounds) {
    this.bounds = bounds;
    this.incidents = new Incidents(bounds.incidentQuiet());
    this.views = new Views(incidents);
  }

  /**
   * Judges one checkpoint of a log against its {@code view} at {@code now} (the record's time: the time of what it
   * emits, and of a STALE_LOG raised for its signed timestamp; the episodes run on the checkpoint's observation time).
   */
  Judgement judge(LogView view, Observation o, long now) {
    Checkpoint c = o.checkpoint();
    Step s = new Step(c.getLogId(), view, now);
    byte[] root = CheckpointSignatures.bytes(c.getRootHash());
    SignatureOutcome sig = o.signature();
    if (sig instanceof SignatureOutcome.Malformed m) return s.done(new Verdict.Malformed(m.reason()));
    if (sig instanceof SignatureOutcome.UnknownKey u) {
      return s.done(new Verdict.Refused(notAccepted(s, c, root, Findings.UNKNOWN_KEY,
          "checkpoint of size " + c.getTreeSize() + " is not signed by a trusted key: ", u.reason())));
    }
    if (sig instanceof SignatureOutcome.Bad b) {
      return s.done(new Verdict.Refused(notAccepted(s, c, root, Findings.BAD_SIGNATURE,
          "bad signature on checkpoint of size " + c.getTreeSize() + ": ", b.reason())));
    }
    SignatureOutcome.Valid v = (SignatureOutcome.Valid) sig;
    incidents.goodSignature(s, c);
    if (o.witnesses() != null) witnesses(s, c, root, o.witnesses());
    for (Map.Entry<String, LogState> gone : o.unlisted()) unlisted(s, c, gone.getKey(), gone.getValue());
    return s.done(verified(s, view, c, root, v));
  }

  /**
   * A checkpoint not accepted for its signature ({@code type} UNKNOWN_KEY or BAD_SIGNATURE, {@code why} + {@code
   * reason} the summary after the log id): kept as an extension of the head if proven one, and an incident of the
   * log's signature episode.
   */
  private LogIncident notAccepted(Step s, Checkpoint c, byte[] root, String type, String why, String reason) {
    extension(s, c, root);
    String signers = Incidents.signers(c);
    var alert = Views.alert(c, type, s.logId + ": " + why + reason, null,
        Map.of("reason", reason, "signers", signers), c.getTreeSize(), root);
    LogIncident i = type.equals(Findings.UNKNOWN_KEY) ? new LogIncident.UnknownKey(alert, signers)
        : new LogIncident.BadSignature(alert, signers);
    incidents.badSignature(s, c, i);
    return i;
  }

  private Verdict verified(Step s, LogView view, Checkpoint c, byte[] root, SignatureOutcome.Valid v) {
    boolean inactive = c.getShardState() == ShardState.INACTIVE;
    if (view instanceof LogView.Unseen) {
      return accept(s, c, root, null, inactive, "first checkpoint seen");
    }
    LogState prev = view.state();
    String prevNote = new String(prev.rawNote(), StandardCharsets.UTF_8);
    boolean sameRoot = Arrays.equals(prev.root(), root);
    if (view instanceof LogView.Frozen) {
      if (c.getTreeSize() == prev.size() && sameRoot) return new Verdict.Unchanged(prev.size());
      return refuse(s, new LogIncident.ShardChanged(Views.alert(c, Findings.SHARD_CHANGED, String.format(Locale.ROOT,
          "%s: frozen shard changed from size %d to %d", s.logId, prev.size(), c.getTreeSize()), prevNote,
          Map.of("frozenSize", Long.toString(prev.size()), "frozenRoot", Findings.hex(prev.root())),
          c.getTreeSize(), root)));
    }
    if (v.keyExpired() && c.getTreeSize() > prev.size()) {
      return refuse(s, new LogIncident.ShardChanged(Views.alert(c, Findings.SHARD_CHANGED,
          s.logId + ": shard grew after its key's validity ended", prevNote,
          Map.of("reason", "key " + v.keyId() + " expired"), c.getTreeSize(), root)));
    }
    if (c.getTreeSize() == prev.size()) {
      if (!sameRoot) return new Verdict.Refused(views.sameSize(s, c, root, prev, prevNote));
      if (inactive) return rotate(s, c, prev, root);
      stampAge(s, c);
      return new Verdict.Unchanged(prev.size());
    }
    if (c.getTreeSize() < prev.size()) return new Verdict.Refused(views.smaller(s, c, root, prev, prevNote));
    if (prev.size() == 0) { // the empty tree is a prefix of every tree: nothing to prove
      return inactive ? rotate(s, c, prev, root) : accept(s, c, root, prev, false, "extends the empty tree");
    }
    List<byte[]> proof = Views.proof(c);
    Long from = c.getProofFromSize();
    // Only a proof from the trusted head itself makes a larger checkpoint the new head: one from an earlier verified
    // size proves a common prefix, not that the head is a prefix of it (both may extend size `from` differently).
    if (from != null && from == prev.size()) {
      LogIncident fork = views.forkFromHead(s, c, root, prev, prevNote, proof);
      if (fork != null) return new Verdict.Refused(fork);
      return inactive ? rotate(s, c, prev, root)
          : accept(s, c, root, prev, false, "consistent with size " + prev.size());
    }
    byte[] ext = from == null || from <= prev.size() || from >= c.getTreeSize() ? null
        : Incidents.extension(s.incidents, from);
    if (ext != null && Views.consistent(from, c, proof, ext)) {
      // Proven from a root that was itself proven to extend the head (a checkpoint not accepted for its signature).
      return inactive ? rotate(s, c, prev, root)
          : accept(s, c, root, prev, false, "consistent with size " + prev.size() + " via size " + from);
    }
    byte[] earlier = from == null || from >= c.getTreeSize() ? null : Incidents.verifiedRoot(s.incidents, from);
    if (earlier != null && !Views.consistent(from, c, proof, earlier)) {
      // It does not even extend a size we verified: a fork of our tree from before the head.
      return new Verdict.Refused(views.forkFromEarlier(s, c, root, prev, prevNote, proof, earlier));
    }
    return unproven(s, c, root, prev, from, earlier != null);
  }

  private static Verdict refuse(Step s, LogIncident i) {
    s.judged(i);
    s.alert(i.alert());
    return new Verdict.Refused(i);
  }

  /**
   * A checkpoint not accepted for its signature that is larger than the head: if its proof from the head (or from an
   * earlier such root) verifies, its root is kept as an extension of the head. Ingest proves the next checkpoint from
   * it (ingest has no keys: its chain of proven heads takes any checkpoint whose proof verifies), and the chain head →
   * this root → the next checkpoint proves the next one extends the head. Without it the head would be stuck.
   */
  private static void extension(Step s, Checkpoint c, byte[] root) {
    LogState prev = s.head;
    Long from = c.getProofFromSize();
    if (prev == null || prev.frozen() || from == null || c.getTreeSize() <= prev.size() || from >= c.getTreeSize()) {
      return;
    }
    byte[] fromRoot = from == prev.size() ? prev.root() : Incidents.extension(s.incidents, from);
    if (fromRoot != null && Views.consistent(from, c, Views.proof(c), fromRoot)) {
      s.incidents = s.incidents.withExtension(c.getTreeSize(), root);
    }
  }

  /**
   * A checkpoint larger than the trusted head {@code prev} whose consistency with it is not proven: no proof, or one
   * from a size other than the head's. It never becomes the head (the audit is not given it either); ingest asks for
   * the proof again on its next poll. The log's newest unproven checkpoint is kept; once the log has had one for
   * longer than {@code unprovenAfter}, one UNPROVEN_CONSISTENCY alert says verification is stuck.
   */
  private Verdict unproven(Step s, Checkpoint c, byte[] root, LogState prev, Long from, boolean extendsVerified) {
    s.event(Findings.event("CONSISTENCY_UNPROVEN", s.logId, c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("verifiedSize", Long.toString(prev.size()), "proofFromSize", String.valueOf(from),
            "extendsVerifiedSize", extendsVerified ? Long.toString(from) : "none")));
    log.warn("{}: checkpoint of size {} not accepted: no consistency proof from the trusted head {} (proof from {})",
        s.logId, c.getTreeSize(), prev.size(), from);
    IncidentState.Unproven u = s.incidents.unproven();
    u = new IncidentState.Unproven(c.getTreeSize(), root, u == null ? c.getObservedAtMillis() : u.sinceMillis(),
        u == null ? null : u.alertId());
    s.incidents = s.incidents.withUnproven(u);
    Liveness.checkUnproven(s, prev, u, c.getObservedAtMillis(), bounds.unprovenAfter());
    return new Verdict.Held(c.getTreeSize(), from);
  }

  /**
   * The witness policy on a validly signed Rekor v2 checkpoint. A failure opens or continues the log's witness
   * episode ({@link Incidents#witnessFailed}); a pass ends it. The alert id names the opening checkpoint (size, root,
   * ingest's observation time) and its invalid witnesses: deterministic for a replay, yet new for a new episode on
   * the same head (ingest republishes a head whose cosignatures changed, so an idle log's head can fail, pass and
   * fail again; an id of size and root alone would be suppressed as already raised).
   */
  private void witnesses(Step s, Checkpoint c, byte[] root, WitnessCheck.Result w) {
    if (w.satisfied()) {
      incidents.witnessSatisfied(s, c);
      return;
    }
    Map<String, String> detail = Map.of("cosigned", String.join(",", w.cosigned()),
        "missing", String.join(",", w.missing()), "invalid", String.join(",", w.invalid()));
    String subject = "invalid witnesses: " + (w.invalid().isEmpty() ? "none" : String.join(",", w.invalid()));
    incidents.witnessFailed(s, c, new LogIncident.WitnessFailure(Views.alert(c, Findings.WITNESS_POLICY,
        String.format(Locale.ROOT, "%s: checkpoint of size %d has %d valid witness cosignatures, policy wants %d",
            c.getLogId(), c.getTreeSize(), w.cosigned().size(), bounds.witnessThreshold()), null, detail,
        c.getTreeSize(), root, subject, c.getObservedAtMillis()), w.invalid(), detail));
  }

  /** A frozen Rekor v1 shard of the checkpoint's instance that its list of active shards no longer names. */
  private static void unlisted(Step s, Checkpoint c, String shard, LogState frozen) {
    String id = Findings.id(Findings.SHARD_CHANGED, shard, frozen.size(), frozen.root(), "disappeared");
    LogIncident i = new LogIncident.ShardChanged(Findings.alert(id, Findings.SHARD_CHANGED, shard, frozen.size(),
        shard + ": frozen shard is no longer listed by the log", Map.of(
            "frozenCheckpoint", new String(frozen.rawNote(), StandardCharsets.UTF_8),
            "listedShards", String.join(",", c.getActiveShards().stream().map(CharSequence::toString).toList())),
        c.getObservedAtMillis()));
    s.judged(i);
    s.alert(i.alert());
  }

  /** The old active tree now listed as inactive at a final size consistent with its last checkpoint. */
  private static Verdict rotate(Step s, Checkpoint c, LogState prev, byte[] root) {
    s.head = new LogState(c.getTreeSize(), root, CheckpointSignatures.bytes(c.getRawNote()),
        c.getObservedAtMillis(), c.getObservedAtMillis(), true);
    s.event(Findings.event("SHARD_ROTATED", s.logId, c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("previousSize", Long.toString(prev.size()))));
    Incidents.verified(s, c.getTreeSize(), root);
    Liveness.proven(s, c.getTreeSize(), c.getObservedAtMillis());
    log.info("{}: shard frozen at size {}", s.logId, c.getTreeSize());
    Liveness.endStaleAsFrozen(s, prev, c.getTreeSize(), c.getObservedAtMillis());
    if (c.getTreeSize() > prev.size()) s.verified(c);
    return new Verdict.Rotated(c.getTreeSize());
  }

  /** A checkpoint that extends {@code prev} (null for a log's first): the new head; ends a stale episode. */
  private Verdict accept(Step s, Checkpoint c, byte[] root, LogState prev, boolean frozen, String how) {
    s.head = new LogState(c.getTreeSize(), root, CheckpointSignatures.bytes(c.getRawNote()),
        c.getObservedAtMillis(), c.getObservedAtMillis(), frozen);
    Incidents.verified(s, c.getTreeSize(), root);
    Liveness.proven(s, c.getTreeSize(), c.getObservedAtMillis());
    s.event(Findings.event("CHECKPOINT_VERIFIED", s.logId, c.getTreeSize(), root, c.getObservedAtMillis(),
        Map.of("consistency", how)));
    if (prev != null && prev.stale()) {
      StaleLog.ended(s.logId, prev, c.getTreeSize(), root, c.getObservedAtMillis()).forEach(s::event);
      log.info("{}: recovered at size {} (STALE_LOG alert {} resolved)", s.logId, c.getTreeSize(),
          StaleLog.openAlertId(s.logId, prev));
    }
    s.verified(c);
    stampAge(s, c);
    return new Verdict.Accepted(c.getTreeSize(), how);
  }

  /** A checkpoint whose signed timestamp is older than the staleness bound when observed: stale. */
  private void stampAge(Step s, Checkpoint c) {
    Long ts = c.getTimestampMillis();
    if (ts == null || c.getObservedAtMillis() - ts <= bounds.staleAfter().toMillis()) return;
    Liveness.stale(s, "signed timestamp " + ts + " is older than " + bounds.staleAfter(), bounds.staleAfter());
  }

  /**
   * The wall-clock liveness check of log {@code logId} at {@code now}: closes its quiet episodes, raises
   * UNPROVEN_CONSISTENCY for a checkpoint held unproven past the bound, freezes a shard quiet past its key's validity
   * end {@code validUntil} (empty: none, or the log is frozen already), and raises STALE_LOG for a log whose head has
   * not advanced for {@code staleAfter} (a log still serving checkpoints of an integrity incident is not stale).
   */
  Judgement tick(String logId, LogView view, Optional<Instant> validUntil, long now) {
    Step s = new Step(logId, view, now);
    incidents.closeQuiet(s, now);
    if (s.head != null) Liveness.check(s, validUntil, now, bounds);
    return s.done(new Verdict.Checked());
  }
}
