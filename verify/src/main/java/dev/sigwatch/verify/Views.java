package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The judge's rules for a second view of a log's tree: a split view, a rollback, a fork. Each builds the incident with
 * its evidence (both roots, the proof and why it fails) and hands it to the log's views episodes ({@link
 * Incidents#view}). Pure; immutable and thread-safe.
 */
final class Views {

  private final Incidents incidents;

  Views(Incidents incidents) {
    this.incidents = incidents;
  }

  /** Another root at the head's size: a split view. */
  LogIncident sameSize(Step s, Checkpoint c, byte[] root, LogState prev, String prevNote) {
    LogIncident i = new LogIncident.SplitView(alert(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
        "%s: two checkpoints of size %d with different roots", s.logId, c.getTreeSize()), prevNote,
        Map.of("root1", Findings.hex(prev.root()), "root2", Findings.hex(root)), c.getTreeSize(), prev.root(), root),
        c.getTreeSize(), root);
    incidents.view(s, c, i);
    return i;
  }

  /**
   * A checkpoint smaller than the verified head {@code prev}. It is a ROLLBACK (an old view replayed) only when it is
   * proven a prefix of the verified tree: its root is ours at its size, or the log's consistency proof from its size
   * to a verified one (ingest fetches it from the smaller size) verifies. Otherwise it is a second tree, a SPLIT_VIEW:
   * another root at a size we verified, a proof that fails, or no proof at all (a log that cannot prove the older view
   * a prefix of the newer one has shown two views until a proof says otherwise).
   */
  LogIncident smaller(Step s, Checkpoint c, byte[] root, LogState prev, String prevNote) {
    String logId = s.logId;
    long size = c.getTreeSize();
    byte[] ours = Incidents.verifiedRoot(s.incidents, size);
    if (ours != null) {
      if (Arrays.equals(ours, root)) return rollback(s, c, root, prev, prevNote, "verified", Map.of());
      LogIncident i = new LogIncident.SplitView(alert(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
          "%s: two checkpoints of size %d with different roots (the one verified earlier and one served after size "
              + "%d)", logId, size, prev.size()), prevNote,
          Map.of("root1", Findings.hex(ours), "root2", Findings.hex(root), "verifiedSize", Long.toString(prev.size())),
          size, ours, root), size, root);
      incidents.view(s, c, i);
      return i;
    }
    Long to = c.getProofFromSize(); // for a smaller checkpoint, the larger end of its proof
    byte[] toRoot = to == null || to <= size ? null
        : to == prev.size() ? prev.root() : Incidents.verifiedRoot(s.incidents, to);
    List<byte[]> proof = proof(c);
    String why;
    Map<String, String> ev = new HashMap<>();
    if (toRoot != null) {
      try {
        MerkleVerifier.verifyConsistency(size, to, proof, root, toRoot);
        return rollback(s, c, root, prev, prevNote, "proven", Map.of("proofToSize", Long.toString(to)));
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
    LogIncident i = new LogIncident.SplitView(alert(c, Findings.SPLIT_VIEW, String.format(Locale.ROOT,
        "%s: checkpoint of size %d served after size %d is not a prefix of the verified tree: %s", logId, size,
        prev.size(), why), prevNote, ev, size, "not-a-prefix", prev.size(), prev.root(), root), size, root);
    incidents.view(s, c, i);
    return i;
  }

  private LogIncident rollback(Step s, Checkpoint c, byte[] root, LogState prev, String prevNote, String prefix,
      Map<String, String> more) {
    Map<String, String> ev = new HashMap<>(more);
    ev.putAll(Map.of("size1", Long.toString(prev.size()), "size2", Long.toString(c.getTreeSize()), "root1",
        Findings.hex(prev.root()), "root2", Findings.hex(root), "prefixOfVerified", prefix));
    LogIncident i = new LogIncident.Rollback(alert(c, Findings.ROLLBACK, String.format(Locale.ROOT,
        "%s: checkpoint size went back from %d to %d (prefix of the verified tree: %s)", s.logId, prev.size(),
        c.getTreeSize(), prefix), prevNote, ev, c.getTreeSize(), prev.size(), prev.root(), root),
        c.getTreeSize(), root);
    incidents.view(s, c, i);
    return i;
  }

  /** A larger checkpoint with a proof from the head: null if the proof verifies, else the FORK it proves. */
  LogIncident forkFromHead(Step s, Checkpoint c, byte[] root, LogState prev, String prevNote, List<byte[]> proof) {
    long from = prev.size();
    try {
      MerkleVerifier.verifyConsistency(from, c.getTreeSize(), proof, prev.root(), root);
      return null;
    } catch (ProofException e) {
      Map<String, String> ev = proofEvidence(from, c.getTreeSize(), prev.root(), root, proof, e);
      ev.put("verifiedSize", Long.toString(prev.size()));
      LogIncident i = new LogIncident.Fork(alert(c, Findings.FORK, String.format(Locale.ROOT,
          "%s: checkpoint of size %d is not consistent with size %d: %s", s.logId, c.getTreeSize(), from,
          e.getMessage()), prevNote, ev, c.getTreeSize(), from, prev.root(), root), prev.size(), prev.root());
      incidents.view(s, c, i);
      return i;
    }
  }

  /** A larger checkpoint whose proof from an earlier verified size ({@code earlier} its root) fails: a FORK. */
  LogIncident forkFromEarlier(Step s, Checkpoint c, byte[] root, LogState prev, String prevNote, List<byte[]> proof,
      byte[] earlier) {
    long from = c.getProofFromSize();
    Map<String, String> ev = proofEvidence(from, c.getTreeSize(), earlier, root, proof, null);
    ev.put("verifiedSize", Long.toString(prev.size()));
    LogIncident i = new LogIncident.Fork(alert(c, Findings.FORK, String.format(Locale.ROOT,
        "%s: checkpoint of size %d is not consistent with size %d", s.logId, c.getTreeSize(), from), prevNote, ev,
        c.getTreeSize(), from, earlier, root), prev.size(), prev.root());
    incidents.view(s, c, i);
    return i;
  }

  static List<byte[]> proof(Checkpoint c) {
    return c.getConsistencyProof().stream().map(CheckpointSignatures::bytes).toList();
  }

  /** Whether {@code proof} proves the tree of size {@code from} with {@code fromRoot} a prefix of {@code c}. */
  static boolean consistent(long from, Checkpoint c, List<byte[]> proof, byte[] fromRoot) {
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
   * An alert about checkpoint {@code c}: evidence {@code extra} plus the checkpoint's note, the previous head's note
   * (when given) and the source URL; its id over the type, the log and {@code idParts}.
   */
  static Alert alert(Checkpoint c, String type, String summary, String previousNote, Map<String, String> extra,
      Object... idParts) {
    Map<String, String> ev = new HashMap<>(extra);
    ev.put("checkpoint", new String(CheckpointSignatures.bytes(c.getRawNote()), StandardCharsets.UTF_8));
    if (previousNote != null) ev.put("previousCheckpoint", previousNote);
    ev.put("sourceUrl", c.getSourceUrl());
    String id = Findings.id(type, c.getLogId(), idParts);
    return Findings.alert(id, type, c.getLogId(), c.getTreeSize(), summary, ev, c.getObservedAtMillis());
  }
}
