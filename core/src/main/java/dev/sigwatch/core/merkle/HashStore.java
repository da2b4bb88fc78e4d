package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

/**
 * An append-only array of 32-byte hashes in fixed-size chunks (no per-hash object, no copying of
 * hashes on growth). One writer; readers may run concurrently provided they only read indexes whose
 * {@link #add} happened-before something they synchronized with (in {@link MerkleTree}, the volatile
 * tree size written after every append).
 *
 * <p>Safe publication: a chunk is fully allocated before its reference is stored, and a chunk
 * reference, once stored, never changes. When the directory of chunks has to grow, the writer fills a
 * new directory and then publishes it through the volatile {@code chunks} field, so a reader always sees
 * a directory whose slots for published indexes are filled.
 */
final class HashStore {
  private static final int CHUNK_BITS = 10; // 1024 hashes = 32 KiB per chunk
  private static final int CHUNK_HASHES = 1 << CHUNK_BITS;

  private volatile byte[][] chunks = new byte[1][];
  private long count; // written and read by the writer only

  /** Appends a hash (copied). Writer only. */
  void add(byte[] hash) {
    int chunk = (int) (count >>> CHUNK_BITS);
    int offset = (int) (count & (CHUNK_HASHES - 1)) * HASH_SIZE;
    byte[][] dir = chunks;
    if (offset == 0) {
      if (chunk == dir.length) {
        byte[][] grown = new byte[dir.length * 2][];
        System.arraycopy(dir, 0, grown, 0, dir.length);
        grown[chunk] = new byte[CHUNK_HASHES * HASH_SIZE];
        chunks = grown;
        dir = grown;
      } else {
        dir[chunk] = new byte[CHUNK_HASHES * HASH_SIZE];
      }
    }
    System.arraycopy(hash, 0, dir[chunk], offset, HASH_SIZE);
    count++;
  }

  /** Returns a copy of the hash at {@code index}, which the caller has checked was published. */
  byte[] get(long index) {
    byte[] chunk = chunks[(int) (index >>> CHUNK_BITS)];
    int offset = (int) (index & (CHUNK_HASHES - 1)) * HASH_SIZE;
    byte[] out = new byte[HASH_SIZE];
    System.arraycopy(chunk, offset, out, 0, HASH_SIZE);
    return out;
  }
}
