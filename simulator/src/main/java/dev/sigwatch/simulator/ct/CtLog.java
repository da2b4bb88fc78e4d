package dev.sigwatch.simulator.ct;

import dev.sigwatch.core.checkpoint.DigitallySigned;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.core.ct.CtExtensions;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.Sct;
import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.ca.PrecertLogger;
import dev.sigwatch.simulator.crypto.SimKey;
import java.nio.ByteBuffer;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated CT log holding precertificate entries; {@code tiled} logs (static-ct-api) put the leaf index in each
 * SCT's extensions. The published tree head advances only on {@link #publish()}. Thread-safe.
 */
public final class CtLog implements PrecertLogger {
  /** One logged entry in its three served encodings. */
  public record Entry(byte[] leafInput, byte[] extraData, byte[] tileLeaf) {}

  /**
   * A signed tree head: size, timestamp (ms), root, DER ECDSA signature over the TreeHeadSignature, and the log ID
   * of the key that signed it (the log's own unless an incident says otherwise).
   */
  public record Sth(long size, long timestamp, byte[] root, byte[] signature, byte[] signerLogId) {}

  private final String origin;
  private final boolean tiled;
  private final SimKey key = SimKey.generate(SimKey.Alg.ECDSA_P256);
  private final Clock clock;
  private final Clock entryClock;
  /** Replaced by {@link #fork}; guarded by this. */
  private volatile MerkleTree tree = new MerkleTree();
  private List<Entry> entries = new ArrayList<>();
  private final Map<String, byte[]> issuers = new ConcurrentHashMap<>();
  private volatile Sth sth;
  private volatile Sth split;
  /** The largest tree size ever published: proofs and tiles up to it stay served after a rollback of the head. */
  private volatile long provable;
  private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.Set<Long> tampered = ConcurrentHashMap.newKeySet();
  private final java.util.Set<Long> garbled = ConcurrentHashMap.newKeySet();

  public CtLog(String origin, boolean tiled, Clock clock) {
    this(origin, tiled, clock, clock);
  }

  /**
   * @param clock times tree heads
   * @param entryClock times entries (SCTs and leaves): earlier than {@code clock} for a log read from the start
   */
  public CtLog(String origin, boolean tiled, Clock clock, Clock entryClock) {
    this.origin = origin;
    this.tiled = tiled;
    this.clock = clock;
    this.entryClock = entryClock;
    this.sth = sign(0, Rfc6962.emptyRoot());
  }

  @Override
  public synchronized byte[] logPrecert(X509Certificate precert, byte[] tbs, List<X509Certificate> chain) {
    try {
      long ts = entryClock.millis();
      long index = tree.size();
      byte[] issuerKeyHash = PrecertTbs.issuerKeyHash(chain.get(0).getPublicKey());
      byte[] ext = tiled ? CtExtensions.ofLeafIndex(index) : new byte[0];
      TimestampedEntry te = TimestampedEntry.precert(ts, issuerKeyHash, tbs, ext);
      MerkleTreeLeaf leaf = new MerkleTreeLeaf(te);
      List<byte[]> chainDer = new ArrayList<>();
      List<byte[]> fingerprints = new ArrayList<>();
      for (X509Certificate c : chain) {
        byte[] der = c.getEncoded();
        chainDer.add(der);
        byte[] fp = SimKey.sha256(der);
        fingerprints.add(fp);
        issuers.put(HexFormat.of().formatHex(fp), der);
      }
      byte[] pre = precert.getEncoded();
      entries.add(new Entry(leaf.encode(), new ExtraData(pre, chainDer).encode(),
          new TileLeaf(te, pre, fingerprints).encode()));
      tree.append(leaf.leafHash());
      byte[] sig = key.sign(Sct.signingInput(ts, te, ext));
      return new Sct(key.logId(), ts, ext, Sct.SHA256, Sct.ECDSA, sig).encode();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("encoding precert for " + origin, e);
    }
  }

  /** Signs and publishes a tree head over every entry logged so far. */
  public synchronized Sth publish() {
    split = null;
    long n = tree.size();
    sth = sign(n, tree.root(n));
    provable = Math.max(provable, n);
    return sth;
  }

  public Sth sign(long size, byte[] root) {
    return sign(size, root, key);
  }

  private Sth sign(long size, byte[] root, SimKey signer) {
    long ts = clock.millis();
    return new Sth(size, ts, root, signer.sign(SignedTreeHead.signedData(size, ts, root)), signer.logId());
  }

  /**
   * The largest tree size ever published: a log whose served head went back (a stale frontend, a restored backup)
   * still proves and serves the tree it published before, so a monitor can prove the old head a prefix of it.
   */
  public long provableSize() {
    return provable;
  }

  /** Incident: the served head goes back one entry (validly signed). */
  public synchronized void rollback() {
    long n = sth.size();
    if (n < 2) throw new IllegalStateException(origin + ": rollback needs >= 2 entries, has " + n);
    split = null;
    sth = sign(n - 1, tree.root(n - 1));
  }

  /**
   * Incident: the entry at {@code index} is served with {@code extraData} in place of its own. The tree does not cover
   * {@code extra_data} (RFC 6962 hashes the leaf only), so the log's proofs and signed heads stay valid.
   */
  public synchronized void garbleExtraData(long index, byte[] extraData) {
    Entry e = entries.get(Math.toIntExact(index));
    entries.set(Math.toIntExact(index), new Entry(e.leafInput(), extraData.clone(), e.tileLeaf()));
  }

  /**
   * Incident: the log replaces its tree by one sharing the first half of the published one, followed by the rest of
   * its entries in reverse order and the first of them again (one more entry than it had), and publishes it (validly
   * signed; its proofs and entries are the only ones served). On a static-ct log the moved entries are sequenced again,
   * as a log restored from an old backup would sequence its pending submissions: each carries the {@code leaf_index}
   * extension of its new place (the leaf, the tile leaf and so the tree change with it), so every served data tile is
   * well-formed and names its own indexes.
   */
  public synchronized void fork() {
    long n = sth.size();
    if (n < 3) throw new IllegalStateException(origin + ": fork needs >= 3 entries, has " + n);
    int keep = (int) (n / 2);
    List<Entry> e = new ArrayList<>(entries.subList(0, keep));
    for (int i = (int) n - 1; i >= keep; i--) e.add(entries.get(i));
    e.add(entries.get(keep));
    if (tiled) {
      for (int i = keep; i < e.size(); i++) e.set(i, reindexed(e.get(i), i));
    }
    MerkleTree f = new MerkleTree();
    for (Entry x : e) f.append(Rfc6962.leafHash(x.leafInput()));
    entries = e;
    tree = f;
    provable = 0;
    publish();
  }

  /** A static-ct entry sequenced at {@code index}: its TimestampedEntry's extensions name that index. */
  private static Entry reindexed(Entry e, long index) {
    try {
      TileLeaf old = TileLeaf.parseTile(e.tileLeaf()).get(0);
      TimestampedEntry t = old.entry();
      TimestampedEntry te = new TimestampedEntry(t.timestamp(), t.entryType(), t.issuerKeyHash(), t.certificate(),
          CtExtensions.ofLeafIndex(index));
      return new Entry(new MerkleTreeLeaf(te).encode(), e.extraData(),
          new TileLeaf(te, old.preCertificate(), old.chainFingerprints()).encode());
    } catch (dev.sigwatch.core.ct.CtFormatException ex) {
      throw new IllegalStateException("re-reading a tile leaf this log encoded", ex);
    }
  }

  /** Incident: the served head is re-signed (a new timestamp) and its signature no longer verifies. */
  public synchronized void badSignature() {
    split = null;
    Sth h = sign(sth.size(), sth.root()); // re-signed now: a tree head with a new timestamp, as a monitor sees it
    byte[] bad = h.signature().clone();
    bad[bad.length - 1] ^= 0x01;
    sth = new Sth(h.size(), h.timestamp(), h.root(), bad, h.signerLogId());
  }

  /** Incident: the served head is signed by a key the trusted root does not know. */
  public synchronized void unknownKey() {
    split = null;
    sth = sign(sth.size(), sth.root(), SimKey.generate(SimKey.Alg.ECDSA_P256));
  }

  /** Incident: every other get-sth/checkpoint read sees a validly signed head with another root at the same size. */
  public synchronized void splitView() {
    Sth h = sth;
    split = sign(h.size(), SimKey.sha256(h.root(), new byte[] {1}));
  }

  /** The head a reader of get-sth / checkpoint sees (alternates during a split view; ended by publish/incidents). */
  public Sth servedSth() {
    Sth alt = split;
    if (alt != null && (reads.incrementAndGet() & 1) == 0) return alt;
    return sth;
  }

  /** The checkpoint of a tiled log: RFC6962NoteSignature (key ID over name, 0x05, log ID). */
  public String checkpoint() {
    Sth h = servedSth();
    String body = dev.sigwatch.simulator.crypto.Notes.body(origin, h.size(), h.root(), List.of());
    byte[] id = SimKey.sha256(origin.getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {'\n', 0x05},
        h.signerLogId());
    byte[] ds = digitallySigned(h.signature());
    byte[] sig = ByteBuffer.allocate(8 + ds.length).putLong(h.timestamp()).put(ds).array();
    return dev.sigwatch.simulator.crypto.Notes.note(body,
        List.of(new dev.sigwatch.core.checkpoint.NoteSignature(origin, SimKey.hint(id), sig)));
  }

  /** TLS DigitallySigned (sha256, ecdsa) around a DER signature. */
  public static byte[] digitallySigned(byte[] derSignature) {
    return new DigitallySigned(DigitallySigned.HASH_SHA256, DigitallySigned.SIG_ECDSA, derSignature).encode();
  }

  public Sth sth() {
    return sth;
  }

  public MerkleTree tree() {
    return tree;
  }

  /** The entry at {@code index} as served (tampered or garbled if an incident says so; the tree keeps the true leaf). */
  public synchronized Entry entry(long index) {
    Entry e = entries.get((int) index);
    if (garbled.contains(index)) return new Entry(new byte[] {9, 9, 9}, e.extraData(), e.tileLeaf());
    if (!tampered.contains(index)) return e;
    byte[] leaf = e.leafInput().clone();
    leaf[9] ^= 1; // version, leaf type, then the timestamp: its last byte
    byte[] tile = e.tileLeaf().clone();
    tile[7] ^= 1; // the TileLeaf starts with the timestamp
    return new Entry(leaf, e.extraData(), tile);
  }

  /**
   * Incident: entry {@code index} (logged already or not yet) is served with another timestamp: well-formed, but not
   * the leaf the tree holds, so a full audit proves it tampered against the signed root.
   */
  public void tamper(long index) {
    tampered.add(index);
  }

  /** Incident: the newest entry is served tampered ({@link #tamper}). */
  public synchronized void tamperNewest() {
    if (tree.size() == 0) throw new IllegalStateException(origin + ": nothing to tamper with");
    tamper(tree.size() - 1);
  }

  /**
   * Entry {@code index} is served by {@code get-entries} as bytes that are no MerkleTreeLeaf (an RFC 6962 log only): a
   * monitor cannot read it (a gap in its entry stream) while the tree still holds the true leaf.
   */
  public void garble(long index) {
    if (tiled) throw new IllegalStateException(origin + ": a garbled data tile would hide every entry of its tile");
    garbled.add(index);
  }

  public byte[] issuer(String hexFingerprint) {
    return issuers.get(hexFingerprint);
  }

  public SimKey key() {
    return key;
  }

  public String origin() {
    return origin;
  }

  public boolean tiled() {
    return tiled;
  }
}
