package dev.sigwatch.simulator.rekorv1;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.crypto.SimKey;
import java.util.List;

/** Stages Rekor v1 incidents by changing what a {@link RekorV1Log} publishes and serves. */
public final class RekorV1Incidents {
  private final RekorV1Log log;

  public RekorV1Incidents(RekorV1Log log) {
    this.log = log;
  }

  /** A tree sharing the first {@code keep} leaves of {@code s} then {@code extra} foreign entries. */
  private V1Shard diverged(V1Shard s, long keep, long extra, BodyTemplate t) {
    V1Shard f = new V1Shard(s.treeId(), s.offset(), copyPrefix(s.tree(), keep), s.entriesPrefix(keep));
    for (long i = 0; i < extra; i++) {
      byte[] d = SimKey.sha256(("fork-" + s.treeId() + "-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] body = t.render(d);
      long global = s.offset() + f.tree().size();
      f.add(new V1Shard.Entry(t, d, 0, log.set(body, 0, global)));
      f.tree().append(Rfc6962.leafHash(body));
    }
    return f;
  }

  public synchronized void fork(BodyTemplate t) {
    V1Shard s = log.active();
    long n = s.head().size();
    requireSize(n, 2);
    V1Shard f = diverged(s, n / 2, n - n / 2 + 1, t);
    log.replaceActive(f);
    log.publish();
  }

  public synchronized void splitView(BodyTemplate t) {
    V1Shard s = log.active();
    long n = s.head().size();
    requireSize(n, 1);
    V1Shard alt = diverged(s, n - 1, 1, t);
    log.splitHead(log.head(alt, n, alt.tree().root(n), log.key()));
  }

  /** Ends a split view: every client sees the real head again. */
  public void clearSplitView() {
    log.splitHead(null);
  }

  public void rollback() {
    V1Shard s = log.active();
    long n = s.head().size();
    requireSize(n, 2);
    s.publish(log.head(s, n - 1, s.tree().root(n - 1), log.key()));
  }

  /**
   * The active shard's head over its whole tree (entries appended since the last publish included) is published with
   * a corrupted signature: a new head, as a monitor polling a running log sees it.
   */
  public synchronized void badSignature() {
    V1Shard s = log.active();
    long n = s.tree().size();
    String note = log.head(s, n, s.tree().root(n), log.key()).note();
    int sig = note.lastIndexOf(' ') + 8; // inside the base64 signature, after the 4-byte key hint
    char c = note.charAt(sig);
    String bad = note.substring(0, sig) + (c == 'A' ? 'B' : 'A') + note.substring(sig + 1);
    s.publish(new V1Shard.Head(n, s.tree().root(n), bad));
  }

  /** The active shard's head over its whole tree is published signed by a key the trusted root does not know. */
  public synchronized void unknownKey() {
    V1Shard s = log.active();
    long n = s.tree().size();
    s.publish(log.head(s, n, s.tree().root(n), SimKey.generate(SimKey.Alg.ECDSA_P256)));
  }

  public void tamperNewest() {
    V1Shard s = log.active();
    requireSize(s.head().size(), 1);
    log.tampered.add(s.offset() + s.head().size() - 1);
  }

  /** The entry the active shard logs next will be served tampered. */
  public void tamperNext() {
    V1Shard s = log.active();
    log.tampered.add(s.offset() + s.tree().size());
  }

  public synchronized void changeFrozenShard(BodyTemplate t) {
    List<V1Shard> inactive = log.inactive();
    if (inactive.isEmpty()) throw new IllegalStateException("no frozen shard to change: trigger SHARD_ROTATION first");
    V1Shard s = inactive.get(inactive.size() - 1);
    long n = s.head().size();
    V1Shard changed = diverged(s, n, 1, t);
    MerkleTree tree = changed.tree();
    changed.publish(log.head(changed, n + 1, tree.root(n + 1), log.key()));
    log.replaceInactive(inactive.size() - 1, changed);
  }

  /** A new tree holding the first {@code n} leaves of {@code t}. */
  static MerkleTree copyPrefix(MerkleTree t, long n) {
    MerkleTree copy = new MerkleTree();
    for (long i = 0; i < n; i++) copy.append(t.leafHash(i));
    return copy;
  }

  private static void requireSize(long n, long min) {
    if (n < min) throw new IllegalStateException("the active shard needs >= " + min + " published entries, has " + n);
  }
}
