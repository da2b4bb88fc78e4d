package dev.sigwatch.ingest;

import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RekorEntry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Bytes of one log's fetched batches that wait to be published (issue 18). Batches are published in index order, so
 * a slow or failing head batch makes every later batch of the window wait in memory: without a bound, a hostile log
 * answering each of 32 requests in flight near the 32 MiB response cap holds 32 × 32 MiB × (response, parse, records)
 * per log. {@link dev.sigwatch.ingest.http.LogHttp}'s response budget bounds the bytes being received; this one bounds
 * the bytes received and not yet published:
 * <ul>
 *   <li>a fetch task waits for room before it fetches ({@link #awaitRoom});</li>
 *   <li>a fetched batch is held only if it fits ({@link #tryHold}); one that does not is dropped and fetched again
 *       once published batches made room (bounded memory costs a refetch, only under pressure);</li>
 *   <li>the head batch (the one the publisher waits for) is always admitted, even over the limit: it is the only way
 *       forward, so the log never wedges. At most limit + one batch is held.</li>
 * </ul>
 * The size of a batch is its payload bytes ({@link #bytes}): the buffers of its records, the bulk of what it holds.
 * Thread-safe.
 */
final class HeldBudget {
  /**
   * Default limit per log: as much as {@link dev.sigwatch.ingest.http.LogHttp#DEFAULT_RESPONSE_BUDGET_BYTES} (64 MiB),
   * so that one log takes at most about 128 MiB of heap for entries in transit (plus the head batch). Ordinary
   * windows (32 × 10 Rekor v1 entries of a few KB, or 32 tiles of 256 entries) hold a few MB and never meet it.
   */
  static final long DEFAULT_LIMIT_BYTES = 64L << 20;
  /** Payload estimate for a record without known buffers, and per-record overhead (keys, object headers). */
  private static final long RECORD_OVERHEAD = 256;

  private final long limit;
  private long held; // guarded by this
  private long peak; // guarded by this

  HeldBudget(long limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  /**
   * Waits until {@code bytes} more fit under the limit (1 for a batch of unknown size; the size of the batch dropped
   * last time for a refetch, so that a dropped batch is not fetched again until it fits), or {@code head} says the
   * caller's batch is the one the publisher waits for, or {@code stop} says to give up (polls both every 100 ms; a
   * release wakes it at once).
   */
  synchronized void awaitRoom(long bytes, BooleanSupplier head, BooleanSupplier stop) throws InterruptedException {
    while (held + Math.min(bytes, limit) > limit && !head.getAsBoolean() && !stop.getAsBoolean()) {
      wait(100);
    }
  }

  /** Holds {@code bytes} if they fit under the limit, or always for the {@code head} batch; false: drop the batch. */
  synchronized boolean tryHold(long bytes, boolean head) {
    if (!head && held + bytes > limit) return false;
    held += bytes;
    peak = Math.max(peak, held);
    return true;
  }

  /** Gives back the bytes of a published (or abandoned) batch and wakes the tasks waiting for room. */
  synchronized void release(long bytes) {
    held -= bytes;
    notifyAll();
  }

  synchronized long held() {
    return held;
  }

  /** The most bytes ever held at once. */
  synchronized long peak() {
    return peak;
  }

  /** Payload bytes of a fetched batch: the buffers of its records plus a fixed overhead per record. */
  static long bytes(List<Fetched> batch) {
    long n = 0;
    for (Fetched f : batch) {
      n += RECORD_OVERHEAD;
      if (f instanceof Fetched.Entry e) {
        n += bytes(e.value());
      } else if (f instanceof Fetched.Mismatched m) {
        n += bytes(m.value()) + remaining(m.note().getValue());
      } else if (f instanceof Fetched.Rejected r) {
        n += remaining(r.record().getValue());
      }
    }
    return n;
  }

  private static long bytes(Object value) {
    if (value instanceof RekorEntry r) return remaining(r.getBody()) + remaining(r.getRaw());
    if (value instanceof CtEntry c) {
      return remaining(c.getLeafInput()) + remaining(c.getExtraData()) + remaining(c.getTileLeaf());
    }
    return 0;
  }

  private static long remaining(ByteBuffer b) {
    return b == null ? 0 : b.remaining();
  }
}
