package dev.sigwatch.verify;

import dev.sigwatch.core.checkpoint.Cosignature;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.ShardState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A test transparency log with real keys and a real Merkle tree: signs checkpoints (Rekor v1 ECDSA or Rekor v2
 * Ed25519), builds consistency and inclusion proofs, and describes itself as a trusted_root.json tlog entry.
 */
final class TestLog {

  final LogType type;
  final String host;
  final String logId; // = checkpoint origin
  final KeyPair keys;
  final MerkleTree tree = new MerkleTree();
  final List<byte[]> bodies = new ArrayList<>();
  private long lastPublished;
  private byte[] lastPublishedRoot;
  /** The log's URL in the trusted root and the checkpoints' source: {@code https://<host>} unless {@link #at}. */
  private String url;

  private TestLog(LogType type, String host, String logId, KeyPair keys) {
    this.type = type;
    this.host = host;
    this.logId = logId;
    this.keys = keys;
    this.url = "https://" + host;
  }

  /** This log served at {@code url} (a Rekor v1 server whose hostname is unlike its URL's host). */
  TestLog at(String url) {
    this.url = url;
    return this;
  }

  static TestLog rekorV1(String host, long treeId) {
    return new TestLog(LogType.REKOR_V1, host, host + " - " + treeId, generate("EC"));
  }

  static TestLog rekorV1(String host, long treeId, KeyPair keys) {
    return new TestLog(LogType.REKOR_V1, host, host + " - " + treeId, keys);
  }

  static TestLog rekorV2(String origin) {
    return new TestLog(LogType.REKOR_V2, origin, origin, generate("Ed25519"));
  }

  static KeyPair generate(String alg) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      if (alg.equals("EC")) g.initialize(256);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends n entries with distinct bodies. */
  TestLog grow(int n) {
    return grow(n, "");
  }

  /** Appends n entries whose bodies also depend on {@code salt} (a forked history). */
  TestLog grow(int n, String salt) {
    for (int i = 0; i < n; i++) {
      byte[] body = String.format(Locale.ROOT, "{\"log\":\"%s\",\"entry\":%d,\"pad\":\"%s\"}", logId, bodies.size(),
          "x".repeat(200) + salt).getBytes(StandardCharsets.UTF_8);
      bodies.add(body);
      tree.append(Rfc6962.leafHash(body));
    }
    return this;
  }

  long size() {
    return tree.size();
  }

  byte[] logIdBytes() {
    return type == LogType.REKOR_V1 ? sha256(keys.getPublic().getEncoded()) : c2spLogId();
  }

  private byte[] c2spLogId() {
    byte[] raw = NoteKey.rawEd25519(keys.getPublic());
    int id = NoteKey.c2spKeyId(logId, 0x01, raw);
    byte[] full = sha256(concat(logId.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', 0x01}, raw));
    if (ByteBuffer.wrap(full, 0, 4).getInt() != id) throw new IllegalStateException("key id mismatch");
    return full;
  }

  /** The tlogs[] entry of a trusted_root.json for this log, valid from {@code start}. */
  String trustedRootEntry(String start, String end) {
    String details = type == LogType.REKOR_V1 ? "PKIX_ECDSA_P256_SHA_256" : "PKIX_ED25519";
    String url = type == LogType.REKOR_V1 ? this.url : "https://" + logId;
    return "{\"baseUrl\":\"" + url + "\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
        + b64(keys.getPublic().getEncoded()) + "\",\"keyDetails\":\"" + details + "\",\"validFor\":{\"start\":\""
        + start + "\"" + (end == null ? "" : ",\"end\":\"" + end + "\"") + "}},\"logId\":{\"keyId\":\""
        + b64(logIdBytes()) + "\"}}";
  }

  static String trustedRoot(String... tlogEntries) {
    return "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":["
        + String.join(",", tlogEntries) + "],\"ctlogs\":[],\"certificateAuthorities\":[],\"timestampAuthorities\":[]}";
  }

  String body(long size, byte[] root) {
    return logId + "\n" + size + "\n" + b64(root) + "\n";
  }

  /** The log's signature line over a note text. */
  String signatureLine(String text, KeyPair with) {
    byte[] id = type == LogType.REKOR_V1 ? logIdBytes() : logIdBytes();
    String name = type == LogType.REKOR_V1 ? host : logId;
    byte[] sig = sign(type == LogType.REKOR_V1 ? "SHA256withECDSA" : "Ed25519", with, text.getBytes(StandardCharsets.UTF_8));
    return "\u2014 " + name + " " + b64(concat(java.util.Arrays.copyOf(id, 4), sig)) + "\n";
  }

  /** A witness cosignature line. */
  static String cosignatureLine(String name, KeyPair witness, String text, long time) {
    return cosignatureLine(name, witness, witness, text, time);
  }

  /** A cosignature line naming {@code witness}'s key id, signed by {@code signer}. */
  static String cosignatureLine(String name, KeyPair witness, KeyPair signer, String text, long time) {
    int keyId = NoteKey.c2spKeyId(name, 0x04, NoteKey.rawEd25519(witness.getPublic()));
    byte[] sig = sign("Ed25519", signer, Cosignature.signedMessage(time, text));
    byte[] payload = ByteBuffer.allocate(4 + 8 + 64).putInt(keyId).putLong(time).put(sig).array();
    return "\u2014 " + name + " " + b64(payload) + "\n";
  }

  static String vkey(String name, KeyPair witness) {
    byte[] raw = NoteKey.rawEd25519(witness.getPublic());
    int keyId = NoteKey.c2spKeyId(name, 0x04, raw);
    return name + "+" + String.format(Locale.ROOT, "%08x", keyId) + "+" + b64(concat(new byte[] {0x04}, raw));
  }

  /** A checkpoint at {@code size} with the proof from the previous one published, signed by the log's key. */
  Checkpoint checkpoint(long size, long observedAt) {
    String text = body(size, tree.root(size));
    return publish(size, tree.root(size), text + "\n" + signatureLine(text, keys), observedAt);
  }

  /** A checkpoint whose root and note are given (forks, split views); proof from the previous one. */
  Checkpoint publish(long size, byte[] root, String note, long observedAt) {
    Checkpoint.Builder b = base(size, root, note, observedAt);
    if (lastPublishedRoot != null && lastPublished > 0 && lastPublished <= size && lastPublished <= tree.size()
        && size <= tree.size()) {
      b.setProofFromSize(lastPublished).setProofFromRoot(ByteBuffer.wrap(lastPublishedRoot))
          .setConsistencyProof(tree.consistencyProof(lastPublished, size).stream().map(ByteBuffer::wrap).toList());
    }
    lastPublished = size;
    lastPublishedRoot = root;
    return b.build();
  }

  /** A signed checkpoint at {@code size} carrying this tree's proof from {@code from}. */
  Checkpoint checkpointWithProofFrom(long size, long from, long observedAt) {
    String text = body(size, tree.root(size));
    return base(size, tree.root(size), text + "\n" + signatureLine(text, keys), observedAt)
        .setProofFromSize(from).setProofFromRoot(ByteBuffer.wrap(tree.root(from)))
        .setConsistencyProof(tree.consistencyProof(from, size).stream().map(ByteBuffer::wrap).toList()).build();
  }

  /**
   * A signed checkpoint at {@code size}, smaller than {@code to}, carrying this tree's proof from {@code size} to
   * {@code to} the way ingest attaches it to a smaller checkpoint: {@code proofFromSize} is the larger end.
   */
  Checkpoint checkpointWithProofTo(long size, long to, long observedAt) {
    String text = body(size, tree.root(size));
    return base(size, tree.root(size), text + "\n" + signatureLine(text, keys), observedAt)
        .setProofFromSize(to).setProofFromRoot(ByteBuffer.wrap(tree.root(to)))
        .setConsistencyProof(tree.consistencyProof(size, to).stream().map(ByteBuffer::wrap).toList()).build();
  }

  Checkpoint.Builder base(long size, byte[] root, String note, long observedAt) {
    return Checkpoint.newBuilder().setLogId(logId).setLogType(type).setOrigin(logId).setTreeSize(size)
        .setRootHash(ByteBuffer.wrap(root)).setObservedAtMillis(observedAt)
        .setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).setSourceUrl(url)
        .setTreeId(type == LogType.REKOR_V1 ? logId.substring(logId.lastIndexOf(' ') + 1) : null)
        .setShardState(ShardState.ACTIVE);
  }

  RekorEntry entry(long index, long observedAt) {
    return entry(index, bodies.get((int) index), null, observedAt);
  }

  /** A Rekor v1 entry with verification.inclusionProof in a tree of {@code treeSize}. */
  RekorEntry entryWithProof(long index, long treeSize, long observedAt) {
    StringBuilder hashes = new StringBuilder();
    for (byte[] h : tree.inclusionProof(index, treeSize)) {
      hashes.append(hashes.length() == 0 ? "" : ",").append('"').append(HexFormat.of().formatHex(h)).append('"');
    }
    String json = "{\"abc\":{\"body\":\"" + b64(bodies.get((int) index)) + "\",\"logIndex\":" + index
        + ",\"verification\":{\"inclusionProof\":{\"logIndex\":" + index + ",\"treeSize\":" + treeSize
        + ",\"rootHash\":\"" + HexFormat.of().formatHex(tree.root(treeSize)) + "\",\"hashes\":[" + hashes + "]}}}}";
    return entry(index, bodies.get((int) index), json.getBytes(StandardCharsets.UTF_8), observedAt);
  }

  RekorEntry entry(long index, byte[] body, byte[] raw, long observedAt) {
    return RekorEntry.newBuilder().setLogId(logId).setLogType(type).setLeafIndex(index).setLogIndex(index)
        .setBody(ByteBuffer.wrap(body)).setRaw(raw == null ? null : ByteBuffer.wrap(raw))
        .setObservedAtMillis(observedAt).build();
  }

  static byte[] sign(String alg, KeyPair k, byte[] msg) {
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(k.getPrivate());
      s.update(msg);
      return s.sign();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
