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
import dev.sigwatch.core.trust.LogNoteKeys.RekorV1Origin;
import dev.sigwatch.core.trust.LogNoteKeys.Signer;
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
 * Verifies a checkpoint record's signature with the key of the trusted root that signed it, found the way real
 * deployments need (see {@link LogNoteKeys}): Rekor v1 by the signature's key hint (SHA-256 of the SPKI) and then the
 * tree ID; Rekor v2 by the trusted root's log ID, the C2SP key ID over the checkpoint's origin; static-ct by the RFC
 * 6962 note key ID over the origin; CT by the log URL the tree head was fetched from. The key must be valid at the
 * checkpoint's time (its signed timestamp, else when ingest observed it).
 *
 * <p>Then the signer is bound to the feed the checkpoint was read from ({@link LogBinding}), so that one log cannot
 * answer for another: a checkpoint signed by log A but served at log B's URL is not B's head (UNKNOWN_KEY, with
 * both logs named). Thread-safe; remembers (in memory) which trusted-root logs signed each log id's checkpoints, for
 * {@link #endOf}.
 */
final class CheckpointSignatures {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The trusted root and its binding, replaced together when the source hands out a new root. */
  private record Trust(TrustedRoot root, LogBinding binding) {}

  private final java.util.function.Supplier<TrustedRoot> source;
  private final java.util.Map<String, String> origins;
  private volatile Trust trust;
  private final java.util.Map<String, List<LogKey>> signersOf = new java.util.concurrent.ConcurrentHashMap<>();

  CheckpointSignatures(TrustedRoot root) {
    this(root, java.util.Map.of());
  }

  /** @param origins configured checkpoint origins by log URL (see {@link LogBinding}) */
  CheckpointSignatures(TrustedRoot root, java.util.Map<String, String> origins) {
    this(() -> root, origins);
  }

  /**
   * @param source the trusted root now (refreshed through TUF): read at every checkpoint; a new root (by identity)
   *     rebuilds the binding, so keys added after startup verify and memory holds one root at a time
   */
  CheckpointSignatures(java.util.function.Supplier<TrustedRoot> source, java.util.Map<String, String> origins) {
    this.source = source;
    this.origins = java.util.Map.copyOf(origins);
    TrustedRoot root = source.get();
    this.trust = new Trust(root, new LogBinding(root, this.origins));
  }

  private Trust trust() {
    Trust t = trust;
    TrustedRoot now = source.get();
    if (now != null && now != t.root()) {
      t = new Trust(now, new LogBinding(now, origins));
      trust = t;
    }
    return t;
  }

  SignatureOutcome verify(Checkpoint c) {
    Trust t = trust();
    TrustedRoot root = t.root();
    LogBinding binding = t.binding();
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

    List<Signer> signing = switch (c.getLogType()) {
      case REKOR_V1 -> LogNoteKeys.rekorV1(root, note);
      case REKOR_V2 -> LogNoteKeys.rekorV2(root, body.origin()).stream().filter(k -> signedBy(note, k.noteKey())).toList();
      case STATIC_CT -> LogNoteKeys.staticCt(root, note, body.origin());
      case CT -> throw new IllegalArgumentException("CT tree heads are not notes");
    };
    if (signing.isEmpty()) {
      return new SignatureOutcome.UnknownKey("no signature from a key of the trusted root: got " + note.signatures()
          .stream().map(s -> s.name() + "+" + s.keyIdHex()).toList() + " on origin \"" + body.origin() + "\", "
          + binding.expectation(c));
    }
    if (c.getLogType() == LogType.REKOR_V1) {
      String treeMismatch = treeIdMismatch(c, body.origin());
      if (treeMismatch != null) return new SignatureOutcome.UnknownKey(treeMismatch);
    }
    List<Signer> bound = signing.stream().filter(k -> binding.accepts(c, body.origin(), k.log())).toList();
    if (bound.isEmpty()) {
      return new SignatureOutcome.UnknownKey("checkpoint signed by the trusted root's log " + signing.get(0).log()
          .baseUrl() + " (origin \"" + body.origin() + "\") was served as " + c.getSourceUrl() + ", "
          + binding.expectation(c) + ": one log cannot answer for another");
    }
    List<Signer> valid = bound.stream().filter(k -> k.log().isValidAt(at)).toList();
    boolean expired = false;
    if (valid.isEmpty()) {
      // A shard's key stops being valid when the shard is frozen (Rekor v2 by its validity, Rekor v1 when the log lists
      // it as inactive); the frozen checkpoint stays readable, and is re-read at every start.
      boolean frozen = c.getLogType() == LogType.REKOR_V2
          || c.getLogType() == LogType.REKOR_V1 && c.getShardState() == dev.sigwatch.schemas.ShardState.INACTIVE;
      if (!frozen || bound.stream().anyMatch(k -> at.isBefore(k.log().validFrom()))) {
        return new SignatureOutcome.UnknownKey("key " + bound.get(0).noteKey().id() + " is not valid at " + at
            + " (valid " + bound.get(0).log().validFrom() + " .. " + bound.get(0).log().validUntil() + ")");
      }
      valid = bound;
      expired = true;
    }
    try {
      new NoteVerifier(valid.stream().map(Signer::noteKey).toList()).verify(note);
    } catch (NoteVerificationException e) {
      return new SignatureOutcome.Bad(e.getMessage());
    }
    signersOf.put(c.getLogId(), valid.stream().map(Signer::log).toList());
    return new SignatureOutcome.Valid(note, expired, valid.get(0).noteKey().id());
  }

  /** Rekor v1: the origin's tree ID must be the shard's, as the log info lists it (when ingest recorded it). */
  private static String treeIdMismatch(Checkpoint c, String origin) {
    java.util.Optional<RekorV1Origin> o = RekorV1Origin.parse(origin);
    if (o.isEmpty()) return "Rekor v1 origin \"" + origin + "\" is not \"<hostname> - <tree ID>\"";
    if (c.getTreeId() != null && !c.getTreeId().equals(o.get().treeId())) {
      return "checkpoint of tree " + o.get().treeId() + " was served as the head of tree " + c.getTreeId()
          + " (" + c.getSourceUrl() + ")";
    }
    return null;
  }

  /**
   * The Rekor v1 instance a shard's note belongs to: the URLs (without scheme) of the trusted root's logs whose key
   * hint one of its signature lines names. Shards of one instance share its URL (a rotated key is another log entry
   * at the same URL); two instances never do, even when their servers share a hostname. Empty if the note does not
   * parse or no trusted key is named.
   */
  java.util.Set<String> rekorV1Instance(byte[] rawNote) {
    try {
      java.util.Set<String> urls = new java.util.HashSet<>();
      for (Signer s : LogNoteKeys.rekorV1(trust().root(), SignedNote.parse(rawNote))) urls.add(s.log().urlWithoutScheme());
      return urls;
    } catch (NoteFormatException e) {
      return java.util.Set.of();
    }
  }

  /**
   * When a Rekor log (a v1 shard or a v2 log, by its log id) stops being valid per the trusted root / signing config:
   * the latest validity end of the keys that signed its checkpoints (else of the keys its URL or origin names), or
   * empty if any of them is open-ended or none is known.
   */
  java.util.Optional<Instant> endOf(String logId) {
    TrustedRoot root = trust().root();
    List<LogKey> keys = signersOf.getOrDefault(logId, List.of());
    if (keys.isEmpty()) {
      keys = root.tlogs().stream().filter(l -> l.urlWithoutScheme().equals(logId)
          || LogNoteKeys.rekorV2(root, logId).stream().anyMatch(s -> s.log().equals(l))
          || RekorV1Origin.parse(logId).map(o -> o.hostname().equals(l.host())).orElse(false)).toList();
    }
    if (keys.isEmpty() || keys.stream().anyMatch(k -> k.validUntil() == null)) return java.util.Optional.empty();
    return keys.stream().map(LogKey::validUntil).max(Instant::compareTo);
  }

  private static boolean signedBy(SignedNote note, NoteKey key) {
    for (NoteSignature s : note.signatures()) {
      if (s.name().equals(key.name()) && s.keyId() == key.keyId()) return true;
    }
    return false;
  }

  private SignatureOutcome verifySth(Checkpoint c, byte[] raw, Instant at) {
    TrustedRoot root = trust().root();
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
