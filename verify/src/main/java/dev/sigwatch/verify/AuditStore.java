package dev.sigwatch.verify;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The full audit's state per log, live in memory and written to a changelogged key-value store only when Kafka
 * Streams commits: per log one {@code s<logId>} record (compact range, counters, pending checkpoints, the
 * buffer's first index) and the buffered leaves in chunks of {@value #CHUNK} ({@code b<logId>NUL<chunk>}), only the chunks that changed.
 *
 * <p><b>Why this is exactly-once.</b> Appending a leaf to the range would otherwise cost a serialization and a store
 * write per entry. Instead the processor mutates the live {@link AuditState} and marks it dirty; this store writes
 * the dirty states in {@link #flushCache()}, which Kafka Streams calls on every store exactly where it flushes its
 * own record caches: in {@code StreamTask.prepareCommit}, after the last record of the commit was processed and
 * before the record collector is flushed and the offsets are committed in the same transaction (exactly_once_v2).
 * So every transaction carries the changelog records of the state as of its input offsets, no more and no less. A
 * task that fails aborts its transaction and is closed dirty: {@link #clearCache()}/{@link #close()} drop the live
 * states and the store is restored from the committed changelog, the input re-read from the committed offsets. It
 * relies on the internal {@link CachedStateStore} hook (the one the built-in caching stores use); the restart ITs
 * fail if a Kafka upgrade stops calling it. Confined to its task's stream thread.
 */
final class AuditStore implements StateStore, CachedStateStore<String, byte[]> {

  static final int CHUNK = 1024;
  private static final Serde<AuditState> STATE = AuditState.serde();

  private final KeyValueStore<String, byte[]> inner;
  private final Map<String, AuditState> live = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();

  AuditStore(KeyValueStore<String, byte[]> inner) {
    this.inner = inner;
  }

  /** The live state of a log, loaded from the store on first use; a new (unanchored) state if none. */
  AuditState get(String logId) {
    AuditState s = live.get(logId);
    if (s != null) return s;
    s = STATE.deserializer().deserialize(null, inner.get("s" + logId));
    if (s == null) {
      s = new AuditState();
    } else {
      long start = s.buffer.start(); // as the state recorded it (the range's end while anchored)
      for (long k = start / CHUNK; s.nextIndex > start && k <= (s.nextIndex - 1) / CHUNK; k++) {
        ByteBuffer chunk = ByteBuffer.wrap(required(logId, k));
        long first = chunk.getLong();
        if (first != s.buffer.end()) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "%s: audit buffer chunk %d starts at leaf %d, want %d", logId, k, first, s.buffer.end()));
        }
        while (chunk.hasRemaining()) {
          byte[] h = new byte[32];
          chunk.get(h);
          s.buffer.add(h);
        }
      }
      if (s.buffer.end() != s.nextIndex) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s: audit buffer holds leaves up to %d, want %d", logId, s.buffer.end(), s.nextIndex));
      }
    }
    s.persistedStart = s.buffer.start();
    s.persistedEnd = s.buffer.end();
    live.put(logId, s);
    return s;
  }

  private byte[] required(String logId, long chunk) {
    byte[] b = inner.get(chunkKey(logId, chunk));
    if (b == null) throw new IllegalStateException(logId + ": audit buffer chunk " + chunk + " is missing");
    return b;
  }

  /** Every log with an audit state, live or stored. */
  java.util.SortedSet<String> logIds() {
    java.util.SortedSet<String> ids = new java.util.TreeSet<>(live.keySet());
    try (org.apache.kafka.streams.state.KeyValueIterator<String, byte[]> it = inner.range("s", "s\uffff")) {
      while (it.hasNext()) ids.add(it.next().key.substring(1));
    }
    return ids;
  }

  /** The state of {@code logId} changed: it is written at the next commit. */
  void markDirty(String logId) {
    dirty.add(logId);
  }

  @Override
  public void flushCache() {
    for (String logId : dirty) {
      AuditState s = live.get(logId);
      inner.put("s" + logId, STATE.serializer().serialize(null, s));
      writeChunks(logId, s);
    }
    dirty.clear();
  }

  /** Writes the chunks whose content differs between the persisted leaf range and the live one. */
  private void writeChunks(String logId, AuditState s) {
    long newStart = s.buffer.start();
    long newEnd = s.buffer.end();
    long oldStart = s.persistedStart;
    long oldEnd = s.persistedEnd;
    Set<Long> touched = new LinkedHashSet<>();
    if (oldEnd > oldStart) for (long k = oldStart / CHUNK; k <= (oldEnd - 1) / CHUNK; k++) touched.add(k);
    if (newEnd > newStart) for (long k = newStart / CHUNK; k <= (newEnd - 1) / CHUNK; k++) touched.add(k);
    for (long k : touched) {
      long lo = k * CHUNK;
      long hi = lo + CHUNK;
      boolean unchanged = oldStart <= lo && hi <= oldEnd && newStart <= lo && hi <= newEnd;
      if (unchanged) continue;
      long from = Math.max(lo, newStart);
      long to = Math.min(hi, newEnd);
      if (from >= to) {
        inner.delete(chunkKey(logId, k));
        continue;
      }
      ByteBuffer b = ByteBuffer.allocate(8 + 32 * (int) (to - from)).putLong(from);
      for (long i = from; i < to; i++) b.put(s.buffer.get(i));
      inner.put(chunkKey(logId, k), b.array());
    }
    s.persistedStart = newStart;
    s.persistedEnd = newEnd;
  }

  static String chunkKey(String logId, long chunk) {
    return "b" + logId + '\u0000' + Long.toHexString(chunk);
  }

  @Override
  public void clearCache() {
    live.clear();
    dirty.clear();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clearCache();
    inner.init(context, root);
  }

  @Override
  public void flush() {
    flushCache();
    inner.flush();
  }

  @Override
  public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(org.apache.kafka.common.TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    clearCache();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }
}
