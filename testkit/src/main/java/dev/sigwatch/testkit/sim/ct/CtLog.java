package dev.sigwatch.testkit.sim.ct;

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
import dev.sigwatch.testkit.sim.ca.PrecertLogger;
import dev.sigwatch.testkit.sim.crypto.SimKey;
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

  /** A signed tree head: size, timestamp (ms), root, DER ECDSA signature over the TreeHeadSignature. */
  public record Sth(long size, long timestamp, byte[] root, byte[] signature) {}

  private final String origin;
  private final boolean tiled;
  private final SimKey key = SimKey.generate(SimKey.Alg.ECDSA_P256);
  private final Clock clock;
  private final MerkleTree tree = new MerkleTree();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, byte[]> issuers = new ConcurrentHashMap<>();
  private volatile Sth sth;

  public CtLog(String origin, boolean tiled, Clock clock) {
    this.origin = origin;
    this.tiled = tiled;
    this.clock = clock;
    this.sth = sign(0, Rfc6962.emptyRoot());
  }

  @Override
  public synchronized byte[] logPrecert(X509Certificate precert, byte[] tbs, List<X509Certificate> chain) {
    try {
      long ts = clock.millis();
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
    long n = tree.size();
    sth = sign(n, tree.root(n));
    return sth;
  }

  /** Replaces the published head (incidents: rollback, fork, bad signature). */
  public void publishRaw(Sth head) {
    this.sth = head;
  }

  public Sth sign(long size, byte[] root) {
    long ts = clock.millis();
    return new Sth(size, ts, root, key.sign(SignedTreeHead.signedData(size, ts, root)));
  }

  /** The checkpoint of a tiled log: RFC6962NoteSignature (key ID over name, 0x05, log ID). */
  public String checkpoint() {
    Sth h = sth;
    String body = dev.sigwatch.testkit.sim.crypto.Notes.body(origin, h.size(), h.root(), List.of());
    byte[] id = SimKey.sha256(origin.getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {'\n', 0x05},
        key.logId());
    byte[] ds = digitallySigned(h.signature());
    byte[] sig = ByteBuffer.allocate(8 + ds.length).putLong(h.timestamp()).put(ds).array();
    return dev.sigwatch.testkit.sim.crypto.Notes.note(body,
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

  public synchronized Entry entry(long index) {
    return entries.get((int) index);
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
