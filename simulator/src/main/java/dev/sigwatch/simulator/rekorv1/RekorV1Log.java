package dev.sigwatch.simulator.rekorv1;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.simulator.crypto.Notes;
import dev.sigwatch.simulator.crypto.SimKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A simulated Rekor v1: frozen (inactive) shards plus one active shard, ECDSA P-256 checkpoints and SETs, global
 * (virtual) log indexes. Appends are serialized; reads are thread-safe. Incident hooks change what is published.
 */
public final class RekorV1Log {
  private final String host;
  private final boolean packed;
  private volatile SimKey key;
  /** Signs SETs: {@link SimKey#sign}, or in the packed (benchmark) mode the key's cheap reused-nonce signer. */
  private volatile java.util.function.Function<byte[], byte[]> setSigner;
  private final Clock clock;
  private volatile String logIdHex;
  private final List<V1Shard> inactive = new CopyOnWriteArrayList<>();
  private volatile V1Shard active;
  /** Split view: an alternative head for the active shard, served to every other log-info request. */
  private volatile V1Shard.Head splitHead;
  private final AtomicLong infoRequests = new AtomicLong();
  /** Global indexes whose served body no longer hashes to the tree. */
  final Set<Long> tampered = ConcurrentHashMap.newKeySet();

  /**
   * Incident: the entry at global index {@code logIndex} (logged already or not yet) is served with a body that does
   * not hash to its leaf.
   */
  public void tamper(long logIndex) {
    tampered.add(logIndex);
  }

  public RekorV1Log(String host, SimKey key, Clock clock) {
    this(host, key, clock, false);
  }

  /**
   * @param packed keep entries as packed records ({@link EntryStore#packed}: ~120 bytes each instead of ~250, for
   *     benchmarks logging millions) rather than one object each; what is served is the same
   */
  public RekorV1Log(String host, SimKey key, Clock clock, boolean packed) {
    this.packed = packed;
    this.host = host;
    this.key = key;
    this.clock = clock;
    this.logIdHex = HexFormat.of().formatHex(key.logId());
    this.setSigner = setSigner(key);
    this.active = newShard(0);
    publish();
  }

  private V1Shard newShard(long offset) {
    return new V1Shard(ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE), offset, new MerkleTree(),
        packed ? EntryStore.packed(EntryStore.ECDSA_P256_DER_MAX) : EntryStore.list());
  }

  /** Appends one entry to the active shard; returns its global log index. Not published until {@link #publish()}. */
  public synchronized long append(BodyTemplate t, byte[] digest) {
    V1Shard s = active;
    long global = s.offset() + s.tree().size();
    long time = clock.millis() / 1000;
    byte[] body = t.render(digest);
    s.add(new V1Shard.Entry(t, digest, time, set(t, digest, time, global)));
    s.tree().append(Rfc6962.leafHash(body));
    return global;
  }

  /** Appends {@code n} entries (digest i from {@code digests}), computing bodies and SETs on all cores. */
  public synchronized void appendBatch(int n, java.util.function.IntFunction<BodyTemplate> templates,
      java.util.function.IntFunction<byte[]> digests) {
    V1Shard s = active;
    long base = s.offset() + s.tree().size();
    long time = clock.millis() / 1000;
    V1Shard.Entry[] es = new V1Shard.Entry[n];
    byte[][] leaves = new byte[n][];
    IntStream.range(0, n).parallel().forEach(i -> {
      BodyTemplate t = templates.apply(i);
      byte[] d = digests.apply(i);
      es[i] = new V1Shard.Entry(t, d, time, set(t, d, time, base + i));
      leaves[i] = Rfc6962.leafHash(t.render(d));
    });
    for (int i = 0; i < n; i++) {
      s.add(es[i]);
      s.tree().append(leaves[i]);
    }
  }

  /** Signs and publishes a checkpoint over the whole active shard. */
  public synchronized V1Shard.Head publish() {
    V1Shard s = active;
    long n = s.tree().size();
    V1Shard.Head h = head(s, n, s.tree().root(n), key);
    s.publish(h);
    return h;
  }

  V1Shard.Head head(V1Shard s, long size, byte[] root, SimKey signer) {
    String body = Notes.body(origin(s), size, root, List.of());
    return new V1Shard.Head(size, root, Notes.note(body, List.of(Notes.rekorV1(host, signer, body))));
  }

  /** Expected rotation: the active shard freezes at its published size and a new, empty one becomes active. */
  public synchronized void rotate() {
    V1Shard old = active;
    publish();
    V1Shard fresh = newShard(old.offset() + old.head().size());
    inactive.add(old);
    active = fresh;
    publish();
  }

  /**
   * A key rotation: the active shard freezes (signed by the old key) and a new shard becomes active, whose checkpoints
   * and SETs are signed by {@code next} from now on (publish the new key in the trusted root first).
   */
  public synchronized void rotateKey(SimKey next) {
    V1Shard old = active;
    publish();
    inactive.add(old);
    key = next;
    setSigner = setSigner(next);
    logIdHex = HexFormat.of().formatHex(next.logId());
    active = newShard(old.offset() + old.head().size());
    publish();
  }

  /** SET: ECDSA over canonical JSON {body, integratedTime, logID, logIndex}. */
  byte[] set(byte[] body, long integratedTime, long logIndex) {
    String json = "{\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\",\"integratedTime\":" + integratedTime
        + ",\"logID\":\"" + logIdHex + "\",\"logIndex\":" + logIndex + "}";
    return setSigner.apply(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The SET of the body {@code t} renders for {@code digest}: the same bytes signed as {@link #set(byte[], long,
   * long)}, its JSON written in one array with the body's base64 from the template ({@link BodyTemplate#base64Into}).
   */
  byte[] set(BodyTemplate t, byte[] digest, long integratedTime, long logIndex) {
    if (digest.length != 32) return set(t.render(digest), integratedTime, logIndex);
    return setSigner.apply(setJson(t, digest, integratedTime, logIndex));
  }

  /** The canonical JSON a SET signs, for the body {@code t} renders for {@code digest}. */
  byte[] setJson(BodyTemplate t, byte[] digest, long integratedTime, long logIndex) {
    byte[] tail = ("\",\"integratedTime\":" + integratedTime + ",\"logID\":\"" + logIdHex + "\",\"logIndex\":" + logIndex
        + "}").getBytes(StandardCharsets.US_ASCII);
    byte[] json = new byte[SET_HEAD.length + t.base64Length() + tail.length];
    System.arraycopy(SET_HEAD, 0, json, 0, SET_HEAD.length);
    int at = t.base64Into(digest, json, SET_HEAD.length);
    System.arraycopy(tail, 0, json, at, tail.length);
    return json;
  }

  private static final byte[] SET_HEAD = "{\"body\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * Millions of SETs signed one by one would take a benchmark's simulator a quarter of an hour on 2 cores: the packed
   * mode signs them with one nonce (valid signatures, and a throwaway key).
   */
  private java.util.function.Function<byte[], byte[]> setSigner(SimKey k) {
    return packed ? k.reusedNonceSigner() : k::sign;
  }

  public String origin(V1Shard s) {
    return host + " - " + s.treeId();
  }

  /**
   * The shard holding global index {@code global} within its published head, or null. As in Rekor, the global index
   * ranges are fixed at rotation: a frozen shard ends where the next one starts, even if it later signs a larger tree
   * (FROZEN_SHARD_CHANGE) — that tree's extra leaves are not reachable by global index, they would collide with the
   * next shard's first entries.
   */
  public V1Shard shardOf(long global) {
    List<V1Shard> all = shards();
    for (int i = 0; i < all.size(); i++) {
      V1Shard s = all.get(i);
      long end = s.offset() + s.head().size();
      if (i + 1 < all.size()) end = Math.min(end, all.get(i + 1).offset());
      if (global >= s.offset() && global < end) return s;
    }
    return null;
  }

  public List<V1Shard> shards() {
    List<V1Shard> all = new ArrayList<>(inactive);
    all.add(active);
    return all;
  }

  /** The head to serve in log info: the split-view alternative on every other request while one is set. */
  V1Shard.Head servedHead() {
    V1Shard.Head alt = splitHead;
    if (alt != null && (infoRequests.incrementAndGet() & 1) == 0) return alt;
    return active.head();
  }

  void splitHead(V1Shard.Head h) {
    splitHead = h;
  }

  public V1Shard active() {
    return active;
  }

  synchronized void replaceActive(V1Shard s) {
    active = s;
  }

  public List<V1Shard> inactive() {
    return List.copyOf(inactive);
  }

  synchronized void replaceInactive(int i, V1Shard s) {
    inactive.set(i, s);
  }

  public String host() {
    return host;
  }

  public SimKey key() {
    return key;
  }

  public String logIdHex() {
    return logIdHex;
  }
}
