package dev.sigwatch.testkit.sim.rekorv2;

import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.testkit.sim.crypto.Notes;
import dev.sigwatch.testkit.sim.crypto.SimKey;
import dev.sigwatch.testkit.sim.rekorv1.BodyTemplate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A simulated Rekor v2 shard (C2SP tlog-tiles): hashedrekord v0.0.2 entries with RFC 8785 canonical bodies, Ed25519
 * checkpoints, and an optional witness cosignature. Appends and publishing are serialized; reads are thread-safe.
 */
public final class RekorV2Log {
  /** How the published checkpoint's witness line looks. */
  public enum Witness { NONE, VALID, MISSING, INVALID }

  private record Entry(BodyTemplate t, byte[] digest) {}

  private final String origin;
  private final SimKey key = SimKey.generate(SimKey.Alg.ED25519);
  private final SimKey witnessKey = SimKey.generate(SimKey.Alg.ED25519);
  private final String witnessName;
  private final Clock clock;
  private final MerkleTree tree = new MerkleTree();
  private final List<Entry> entries = new ArrayList<>();
  private volatile Witness witness;
  private volatile long publishedSize;
  private volatile String checkpoint;

  public RekorV2Log(String origin, String witnessName, Witness witness, Clock clock) {
    this.origin = origin;
    this.witnessName = witnessName;
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

  public synchronized long append(BodyTemplate t, byte[] digest) {
    entries.add(new Entry(t, digest));
    tree.append(Rfc6962.leafHash(t.render(digest)));
    return tree.size() - 1;
  }

  public synchronized void publish() {
    long n = tree.size();
    String body = Notes.body(origin, n, tree.root(n), List.of());
    List<NoteSignature> sigs = new ArrayList<>();
    sigs.add(Notes.ed25519(origin, key, body));
    long now = clock.millis() / 1000;
    switch (witness) {
      case VALID -> sigs.add(Notes.cosignature(witnessName, witnessKey, body, now));
      case INVALID -> sigs.add(Notes.cosignature(witnessName, witnessKey, body.replace("\n" + n + "\n", "\n" + (n + 1) + "\n"), now));
      default -> { }
    }
    checkpoint = Notes.note(body, sigs);
    publishedSize = n;
  }

  public void witness(Witness w) {
    this.witness = w;
    publish();
  }

  public synchronized byte[] body(long index) {
    Entry e = entries.get((int) index);
    return e.t().render(e.digest());
  }

  public String checkpoint() {
    return checkpoint;
  }

  public long publishedSize() {
    return publishedSize;
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
