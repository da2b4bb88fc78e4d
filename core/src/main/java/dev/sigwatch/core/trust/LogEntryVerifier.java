package dev.sigwatch.core.trust;

import dev.sigwatch.core.checkpoint.Checkpoint;
import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks a Rekor entry as a bundle carries it, against a trusted root, in this order:
 *
 * <ol>
 *   <li>the log is in the trusted root (by log ID, at the integrated time when there is one);
 *   <li>the checkpoint is signed by that log's key and names that log as its origin;
 *   <li>the checkpoint states the proof's tree size and root;
 *   <li>the inclusion proof leads from the entry's leaf hash to that root;
 *   <li>the signed entry timestamp (SET), when present, is signed by the log.
 * </ol>
 *
 * Immutable and safe to share between threads.
 */
public final class LogEntryVerifier {
  private final TrustedRoot root;

  public LogEntryVerifier(TrustedRoot root) {
    this.root = root;
  }

  /**
   * @return the verified checkpoint, or empty if the entry carries none
   * @throws LogEntryVerificationException naming the step that failed
   */
  public Optional<VerifiedCheckpoint> verify(LogEntryProof entry) throws LogEntryVerificationException {
    LogKey log = findLog(entry);
    Optional<VerifiedCheckpoint> checkpoint = Optional.empty();
    if (entry.checkpoint() != null) {
      checkpoint = Optional.of(verifyCheckpoint(log, entry));
    }
    if (entry.hasInclusionProof()) {
      try {
        MerkleVerifier.verifyInclusion(entry.proofIndex(), entry.treeSize(),
            Rfc6962.leafHash(entry.canonicalizedBody()), entry.hashes(), entry.rootHash());
      } catch (ProofException e) {
        throw new LogEntryVerificationException("inclusion proof: " + e.getMessage(), e);
      }
    }
    if (entry.signedEntryTimestamp() != null) {
      verifySet(log, entry);
    }
    return checkpoint;
  }

  private LogKey findLog(LogEntryProof entry) throws LogEntryVerificationException {
    String id = Base64.getEncoder().encodeToString(entry.logId());
    Optional<LogKey> log = entry.integratedTime() == null
        ? root.findLogKeyAtAnyTime(entry.logId())
        : root.findLogKey(entry.logId(), Instant.ofEpochSecond(entry.integratedTime()));
    return log.orElseThrow(() -> new LogEntryVerificationException(
        "no trusted log with ID " + id
            + (entry.integratedTime() == null ? "" : " at " + Instant.ofEpochSecond(entry.integratedTime()))));
  }

  private static VerifiedCheckpoint verifyCheckpoint(LogKey log, LogEntryProof entry)
      throws LogEntryVerificationException {
    NoteVerifier verifier = new NoteVerifier(LogNoteKeys.forLog(log).map(List::of).orElseThrow(
        () -> new LogEntryVerificationException("log " + log.baseUrl() + " has a " + log.keyType()
            + " key, which does not sign checkpoints")));
    try {
      VerifiedCheckpoint v = verifier.verifyCheckpoint(entry.checkpoint());
      Checkpoint cp = v.checkpoint();
      String origin = cp.origin();
      boolean ours = origin.equals(log.urlWithoutScheme()) || origin.startsWith(log.host() + " - ");
      if (!ours) {
        throw new LogEntryVerificationException(
            "checkpoint: origin \"" + origin + "\" is not log " + log.baseUrl());
      }
      if (entry.hasInclusionProof()) {
        cp.requireTreeHead(entry.treeSize(), entry.rootHash());
      }
      return v;
    } catch (NoteFormatException | NoteVerificationException e) {
      throw new LogEntryVerificationException("checkpoint: " + e.getMessage(), e);
    }
  }

  private static void verifySet(LogEntryProof entry, LogKey log, byte[] payload)
      throws LogEntryVerificationException {
    String alg = log.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    boolean ok;
    try {
      Signature s = Signature.getInstance(alg);
      s.initVerify(log.key());
      s.update(payload);
      ok = s.verify(entry.signedEntryTimestamp());
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new LogEntryVerificationException(
          "signed entry timestamp: bad signature from log " + log.baseUrl() + " for index " + entry.logIndex());
    }
  }

  private static void verifySet(LogKey log, LogEntryProof entry) throws LogEntryVerificationException {
    if (entry.integratedTime() == null) {
      throw new LogEntryVerificationException("signed entry timestamp without an integrated time");
    }
    // The SET signs RFC 8785 canonical JSON: keys sorted, no spaces; the body as base64, the log ID as hex.
    String payload = "{\"body\":\"" + Base64.getEncoder().encodeToString(entry.canonicalizedBody())
        + "\",\"integratedTime\":" + entry.integratedTime()
        + ",\"logID\":\"" + HexFormat.of().formatHex(entry.logId())
        + "\",\"logIndex\":" + entry.logIndex() + "}";
    verifySet(entry, log, payload.getBytes(StandardCharsets.UTF_8));
  }
}
