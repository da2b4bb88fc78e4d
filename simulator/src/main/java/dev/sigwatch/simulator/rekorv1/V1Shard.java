package dev.sigwatch.simulator.rekorv1;

import dev.sigwatch.core.merkle.MerkleTree;

/**
 * One Rekor v1 tree (shard): its leaves, the entries behind them, the global index of its first leaf, and its
 * published signed head. Entry list access is synchronized; the head is swapped atomically.
 */
public final class V1Shard {
  /** One logged entry, stored compactly: template + digest render the body. */
  public record Entry(BodyTemplate template, byte[] digest, long integratedTime, byte[] set) {
    public byte[] body() {
      return template.render(digest);
    }
  }

  /** A published signed head: size, root, the signed-note text and that text as a JSON string literal. */
  public record Head(long size, byte[] root, String note, String noteJson) {
    public Head(long size, byte[] root, String note) {
      this(size, root, note, RekorV1Routes.jsonString(note));
    }
  }

  private final long treeId;
  private final String treeIdHex;
  private final long offset;
  private final MerkleTree tree;
  private final EntryStore entries;
  private volatile Head head;
  private volatile long provable;

  /** @param entries the store this shard adds to (owned by it from now on) */
  V1Shard(long treeId, long offset, MerkleTree tree, EntryStore entries) {
    this.treeId = treeId;
    this.treeIdHex = String.format(java.util.Locale.ROOT, "%016x", treeId);
    this.offset = offset;
    this.tree = tree;
    this.entries = entries;
  }

  public long treeId() {
    return treeId;
  }

  public long offset() {
    return offset;
  }

  public MerkleTree tree() {
    return tree;
  }

  public Head head() {
    return head;
  }

  void publish(Head h) {
    this.head = h;
    if (h.size() <= tree.size()) provable = Math.max(provable, h.size());
  }

  /**
   * The largest size of this tree ever published: a shard whose served head went back (a stale frontend, a restored
   * backup) still proves the tree it published before, so a monitor can prove the old head a prefix of it.
   */
  public long provableSize() {
    return Math.max(provable, head == null ? 0 : head.size());
  }

  synchronized void add(Entry e) {
    entries.add(e);
  }

  public synchronized Entry entry(long leafIndex) {
    return entries.get(leafIndex);
  }

  /** A copy of the first {@code n} entries, in this shard's layout. */
  synchronized EntryStore entriesPrefix(long n) {
    return entries.prefix(n);
  }

  /** 16 hex digits of the tree ID, the prefix of entry UUIDs. */
  public String treeIdHex() {
    return treeIdHex;
  }
}
