package dev.sigwatch.simulator.rekorv2;

import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.crypto.Notes;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import dev.sigwatch.simulator.rekorv1.EntryStore;
import dev.sigwatch.simulator.rekorv1.V1Shard;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A simulated Rekor v2 shard (C2SP tlog-tiles): hashedrekord v0.0.2 entries with RFC 8785 canonical bodies, Ed25519
 * checkpoints, and optional cosignatures of two witnesses: the first one's behaviour is {@link Witness} (the witness
 * incidents), the second always cosigns validly when the log is witnessed (so a 2-of-2 policy sees one witness fail).
 * Appends and publishing are serialized; reads are thread-safe.
 */
public final class RekorV2Log {
  /** How the published checkpoint's witness line looks. */
  public enum Witness { NONE, VALID, MISSING, INVALID }

  private final String origin;
  private final SimKey key = SimKey.generate(SimKey.Alg.ED25519);
  private final SimKey witnessKey = SimKey.generate(SimKey.Alg.ED25519);
  private final String witnessName;
  private final SimKey secondWitnessKey = SimKey.generate(SimKey.Alg.ED25519);
  private final String secondWitnessName;
  private final Clock clock;
  /** Replaced by {@link #fork}; guarded by this. */
  private volatile MerkleTree tree = new MerkleTree();
  /** Template and digest of each entry (no integrated time or SET in Rekor v2); replaced by {@link #fork}. */
  private EntryStore entries;
  private volatile Witness witness;
  private volatile long publishedSize;
  /** The largest size ever published: its tiles stay served after a rollback of the checkpoint (static files). */
  private volatile long provableSize;
  private volatile String checkpoint;
  private volatile String split;
  private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.Set<Long> tampered = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RekorV2Log(String origin, String witnessName, Witness witness, Clock clock) {
    this(origin, witnessName, witness, clock, false);
  }

  /** @param packed keep entries as packed records ({@link EntryStore#packed}, 36 bytes each) for benchmarks */
  public RekorV2Log(String origin, String witnessName, Witness witness, Clock clock, boolean packed) {
    this.entries = packed ? EntryStore.packed(0) : EntryStore.list();
    this.origin = origin;
    this.witnessName = witnessName;
    this.secondWitnessName = "second." + witnessName;
    this.witness = witness;
    this.clock = clock;
    publish();
  }

  /** The hashedrekord v0.0.2 body template (digest slot, base64) for a certificate and its signature. */
  public static BodyTemplate template(X509Certificate cert, byte[] sig) {
    try {
      String raw = Base64.getEncoder().encodeToString(cert.getEncoded());
      return BodyTemplate.base64("hashedrekord",
          "{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\",\"spec\":{\"hashedRekordV002\":{\"data\":{\"algorithm\":"
              + "\"SHA2_256\",\"digest\":\"",
          "\"},\"signature\":{\"content\":\"" + Base64.getEncoder().encodeToString(sig) + "\",\"verifier\":{"
              + "\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"x509Certificate\":{\"rawBytes\":\"" + raw + "\"}}}}}}");
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static V1Shard.Entry entry(BodyTemplate t, byte[] digest) {
    return new V1Shard.Entry(t, digest, 0, NO_SET);
  }

  private static final byte[] NO_SET = new byte[0];

  public synchronized long append(BodyTemplate t, byte[] digest) {
    entries.add(entry(t, digest));
    tree.append(Rfc6962.leafHash(t.render(digest)));
    return tree.size() - 1;
  }

  /** Appends {@code n} entries (template and digest i from the functions), hashing the leaves on all cores. */
  public synchronized void appendBatch(int n, java.util.function.IntFunction<BodyTemplate> templates,
      java.util.function.IntFunction<byte[]> digests) {
    V1Shard.Entry[] es = new V1Shard.Entry[n];
    byte[][] leaves = new byte[n][];
    java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
      es[i] = entry(templates.apply(i), digests.apply(i));
      leaves[i] = Rfc6962.leafHash(es[i].body());
    });
    for (int i = 0; i < n; i++) {
      entries.add(es[i]);
      tree.append(leaves[i]);
    }
  }

  /** Signs and publishes a checkpoint over every entry; ends any split view. */
  public synchronized void publish() {
    long n = tree.size();
    split = null;
    checkpoint = note(n, tree.root(n), key);
    publishedSize = n;
    provableSize = Math.max(provableSize, n);
  }

  private String note(long n, byte[] root, SimKey signer) {
    String body = Notes.body(origin, n, root, List.of());
    List<NoteSignature> sigs = new ArrayList<>();
    sigs.add(Notes.ed25519(origin, signer, body));
    long now = clock.millis() / 1000;
    switch (witness) {
      case VALID -> sigs.add(Notes.cosignature(witnessName, witnessKey, body, now));
      case INVALID -> sigs.add(Notes.cosignature(witnessName, witnessKey, body + "tampered\n", now));
      default -> { }
    }
    if (witness != Witness.NONE) sigs.add(Notes.cosignature(secondWitnessName, secondWitnessKey, body, now));
    return Notes.note(body, sigs);
  }

  /** Incident: the checkpoint goes back one entry (validly signed; the tiles published before stay served). */
  public synchronized void rollback() {
    long n = publishedSize;
    if (n < 2) throw new IllegalStateException(origin + ": rollback needs >= 2 entries, has " + n);
    split = null;
    checkpoint = note(n - 1, tree.root(n - 1), key);
    publishedSize = n - 1;
  }

  /**
   * Incident: the log replaces its tree by one sharing only the first half of the published one, with foreign entries
   * after that, one more than it had, and publishes it (validly signed; its tiles are the only ones served).
   */
  public synchronized void fork() {
    long n = publishedSize;
    if (n < 2) throw new IllegalStateException(origin + ": fork needs >= 2 entries, has " + n);
    long keep = n / 2;
    MerkleTree f = new MerkleTree();
    EntryStore e = entries.prefix(keep);
    for (long i = 0; i < keep; i++) f.append(tree.leafHash(i));
    BodyTemplate t = entries.get(0).template();
    for (long i = keep; i <= n; i++) {
      byte[] d = SimKey.sha256(("fork-" + origin + "-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      e.add(entry(t, d));
      f.append(Rfc6962.leafHash(t.render(d)));
    }
    entries = e;
    tree = f;
    provableSize = 0;
    publish();
  }

  /** Incident: the log's signature on the checkpoint no longer verifies. */
  public synchronized void badSignature() {
    split = null;
    String c = checkpoint;
    int at = c.indexOf("\n\u2014 " + origin + " ") + origin.length() + 12; // inside the base64, past the key hint
    checkpoint = c.substring(0, at) + (c.charAt(at) == 'A' ? 'B' : 'A') + c.substring(at + 1);
  }

  /** Incident: the checkpoint is signed by a key the trusted root does not know. */
  public synchronized void unknownKey() {
    split = null;
    checkpoint = note(publishedSize, tree.root(publishedSize), SimKey.generate(SimKey.Alg.ED25519));
  }

  /**
   * Incident: a forged checkpoint, signed by a key nobody trusts, claiming {@code size} entries with a made-up root;
   * the tiles served stay those of the real tree. {@link #publish} ends it.
   */
  public synchronized void forged(long size) {
    split = null;
    checkpoint = note(size, SimKey.sha256(tree.root(publishedSize), new byte[] {2}), SimKey.generate(SimKey.Alg.ED25519));
  }

  /** Incident: every other checkpoint read sees a validly signed, different root at the same size. */
  public synchronized void splitView() {
    long n = publishedSize;
    split = note(n, SimKey.sha256(tree.root(n), new byte[] {1}), key);
  }

  public void witness(Witness w) {
    this.witness = w;
    publish();
  }

  /** The entry body at {@code index} as served (tampered if an incident says so; the tree keeps the true leaf). */
  public synchronized byte[] body(long index) {
    V1Shard.Entry e = entries.get(index);
    return e.template().render(tampered.contains(index) ? SimKey.sha256(e.digest()) : e.digest());
  }

  /**
   * Incident: entry {@code index} (logged already or not yet) is served with another artifact digest: a well-formed
   * body that does not hash to the leaf the tree holds.
   */
  public void tamper(long index) {
    tampered.add(index);
  }

  /** Incident: the newest entry is served tampered ({@link #tamper}). */
  public synchronized void tamperNewest() {
    if (tree.size() == 0) throw new IllegalStateException(origin + ": nothing to tamper with");
    tamper(tree.size() - 1);
  }

  /** The checkpoint a reader sees (alternates during a split view). */
  public String checkpoint() {
    String alt = split;
    if (alt != null && (reads.incrementAndGet() & 1) == 0) return alt;
    return checkpoint;
  }

  public long publishedSize() {
    return publishedSize;
  }

  /** The largest size ever published: tiles are immutable static files, still served after a rollback. */
  public long provableSize() {
    return Math.max(publishedSize, provableSize);
  }

  public MerkleTree tree() {
    return tree;
  }

  public SimKey key() {
    return key;
  }

  public String origin() {
    return origin;
  }

  /** The vkey lines of both witnesses (the one {@link Witness} controls first). */
  public List<String> witnessVkeys() {
    return List.of(witnessVkey(), Notes.vkey(secondWitnessName, secondWitnessKey, (byte) 0x04));
  }

  /** The witness vkey line (cosignature/v1 key type 0x04). */
  public String witnessVkey() {
    return Notes.vkey(witnessName, witnessKey, (byte) 0x04);
  }

  /** The log's vkey line (Ed25519 key type 0x01). */
  public String vkey() {
    return Notes.vkey(origin, key, (byte) 0x01);
  }

  /** Log ID: SHA-256(origin || "\n" || 0x01 || raw key). */
  public byte[] logId() {
    return Notes.ed25519KeyId(origin, key);
  }
}
