package dev.sigwatch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.checkpoint.DigitallySigned;
import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Verifies a checkpoint record's signature with the key the trusted root names for its log, chosen by key id and
 * by the key's validity at the checkpoint's time (its signed timestamp, else when ingest observed it). Rekor v1:
 * ECDSA note signed by the host's key; Rekor v2: Ed25519 note with the origin as key name; static-ct: RFC 6962
 * note signature; CT: the get-sth JSON's tree head signature. Immutable and thread-safe.
 */
final class CheckpointSignatures {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern REKOR_V1_ORIGIN = java.util.regex.Pattern.compile("(.+) - (\\d+)");

  private final TrustedRoot root;

  CheckpointSignatures(TrustedRoot root) {
    this.root = root;
  }

  SignatureOutcome verify(Checkpoint c) {
    byte[] raw = bytes(c.getRawNote());
    Instant at = Instant.ofEpochMilli(c.getTimestampMillis() != null ? c.getTimestampMillis() : c.getObservedAtMillis());
    if (c.getLogType() == LogType.CT) {
      return verifySth(c, raw, at);
    }
    SignedNote note;
    dev.sigwatch.core.checkpoint.Checkpoint body;
    try {
      note = SignedNote.parse(raw);
      body = dev.sigwatch.core.checkpoint.Checkpoint.from(note);
    } catch (NoteFormatException e) {
      return new SignatureOutcome.Malformed("rawNote: " + e.getMessage());
    }
    String mismatch = mismatch(c, body.origin(), body.size(), body.rootHash());
    if (mismatch != null) return new SignatureOutcome.Malformed(mismatch);

    List<Candidate> candidates = candidates(c.getLogType(), body.origin());
    if (candidates.isEmpty()) {
      return new SignatureOutcome.UnknownKey("the trusted root has no " + c.getLogType() + " log for origin \""
          + body.origin() + "\"");
    }
    List<Candidate> signing = candidates.stream().filter(k -> signedBy(note, k.noteKey())).toList();
    if (signing.isEmpty()) {
      return new SignatureOutcome.UnknownKey("no signature from a trusted key: got " + note.signatures().stream()
          .map(s -> s.name() + "+" + s.keyIdHex()).toList() + ", want one of "
          + candidates.stream().map(k -> k.noteKey().id()).toList());
    }
    List<Candidate> valid = signing.stream().filter(k -> k.log().isValidAt(at)).toList();
    boolean expired = false;
    if (valid.isEmpty()) {
      // A Rekor v2 shard's key stops being valid when the shard is frozen; the frozen checkpoint stays readable.
      if (c.getLogType() != LogType.REKOR_V2 || signing.stream().anyMatch(k -> at.isBefore(k.log().validFrom()))) {
        return new SignatureOutcome.UnknownKey("key " + signing.get(0).noteKey().id() + " is not valid at " + at
            + " (valid " + signing.get(0).log().validFrom() + " .. " + signing.get(0).log().validUntil() + ")");
      }
      valid = signing;
      expired = true;
    }
    try {
      new NoteVerifier(valid.stream().map(Candidate::noteKey).toList()).verify(note);
    } catch (NoteVerificationException e) {
      return new SignatureOutcome.Bad(e.getMessage());
    }
    return new SignatureOutcome.Valid(note, expired, valid.get(0).noteKey().id());
  }

  /**
   * When a Rekor log (v1 {@code host - treeId} or v2 origin) stops being valid per the trusted root / signing config:
   * the latest validity end of its keys, or empty if any of its keys is open-ended or the root does not know it.
   */
  java.util.Optional<Instant> endOf(String logId) {
    List<Candidate> keys = new ArrayList<>(candidates(LogType.REKOR_V2, logId));
    keys.addAll(candidates(LogType.REKOR_V1, logId));
    if (keys.isEmpty() || keys.stream().anyMatch(k -> k.log().validUntil() == null)) return java.util.Optional.empty();
    return keys.stream().map(k -> k.log().validUntil()).max(Instant::compareTo);
  }

  private record Candidate(LogKey log, NoteKey noteKey) {}

  private List<Candidate> candidates(LogType type, String origin) {
    List<Candidate> out = new ArrayList<>();
    switch (type) {
      case REKOR_V1, REKOR_V2 -> {
        for (LogKey log : root.tlogs()) {
          boolean ec = log.key().getAlgorithm().equals("EC");
          if (type == LogType.REKOR_V1 && !ec || type == LogType.REKOR_V2 && ec) continue;
          java.util.regex.Matcher v1 = REKOR_V1_ORIGIN.matcher(origin);
          boolean matches = ec ? v1.matches() && log.host().equals(v1.group(1)) : log.urlWithoutScheme().equals(origin);
          if (matches) LogNoteKeys.forLog(log).ifPresent(k -> out.add(new Candidate(log, k)));
        }
      }
      case STATIC_CT -> {
        for (LogKey log : root.ctlogs()) {
          if (log.urlWithoutScheme().equals(origin)) out.add(new Candidate(log, NoteKey.rfc6962(origin, log.key())));
        }
      }
      case CT -> throw new IllegalArgumentException("CT tree heads are not notes");
    }
    return out;
  }

  private static boolean signedBy(SignedNote note, NoteKey key) {
    for (NoteSignature s : note.signatures()) {
      if (s.name().equals(key.name()) && s.keyId() == key.keyId()) return true;
    }
    return false;
  }

  private SignatureOutcome verifySth(Checkpoint c, byte[] raw, Instant at) {
    SignedTreeHead sth;
    try {
      JsonNode n = JSON.readTree(raw);
      if (n == null || !n.isObject() || !n.path("tree_size").canConvertToLong() || !n.path("timestamp").canConvertToLong()) {
        return new SignatureOutcome.Malformed("rawNote: want get-sth JSON with tree_size and timestamp");
      }
      sth = new SignedTreeHead(n.get("tree_size").asLong(), n.get("timestamp").asLong(),
          Base64.getDecoder().decode(n.path("sha256_root_hash").asText("")),
          DigitallySigned.parse(Base64.getDecoder().decode(n.path("tree_head_signature").asText(""))));
    } catch (IOException | IllegalArgumentException | NoteFormatException e) {
      return new SignatureOutcome.Malformed("rawNote: malformed get-sth JSON: " + e.getMessage());
    }
    String mismatch = mismatch(c, c.getOrigin(), sth.treeSize(), sth.rootHash());
    if (mismatch != null) return new SignatureOutcome.Malformed(mismatch);
    List<LogKey> logs = root.ctlogs().stream().filter(l -> l.urlWithoutScheme().equals(c.getOrigin())).toList();
    if (logs.isEmpty()) {
      return new SignatureOutcome.UnknownKey("the trusted root has no CT log for \"" + c.getOrigin() + "\"");
    }
    Instant signedAt = Instant.ofEpochMilli(sth.timestamp());
    List<LogKey> valid = logs.stream().filter(l -> l.isValidAt(signedAt)).toList();
    if (valid.isEmpty()) {
      return new SignatureOutcome.UnknownKey("no key of CT log " + c.getOrigin() + " is valid at " + signedAt);
    }
    for (LogKey l : valid) {
      try {
        sth.verify(l.key());
        return new SignatureOutcome.Valid(null, false, l.urlWithoutScheme());
      } catch (NoteVerificationException e) {
        // try the next key of this log
      }
    }
    return new SignatureOutcome.Bad("bad tree head signature for tree size " + sth.treeSize() + " at " + at);
  }

  private static String mismatch(Checkpoint c, String origin, long size, byte[] rootHash) {
    if (!origin.equals(c.getOrigin())) {
      return "origin \"" + c.getOrigin() + "\" does not match the note's \"" + origin + "\"";
    }
    if (size != c.getTreeSize()) {
      return String.format(Locale.ROOT, "treeSize %d does not match the note's %d", c.getTreeSize(), size);
    }
    if (!Arrays.equals(rootHash, bytes(c.getRootHash()))) {
      return "rootHash " + Findings.hex(bytes(c.getRootHash())) + " does not match the note's " + Findings.hex(rootHash);
    }
    return null;
  }

  static byte[] bytes(ByteBuffer b) {
    if (b == null) return null;
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
