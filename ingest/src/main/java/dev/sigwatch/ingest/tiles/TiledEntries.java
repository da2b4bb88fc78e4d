package dev.sigwatch.ingest.tiles;

import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of a tiled log's entries, checked against the authenticated level-0 hash tile.
 *
 * <p><b>What happens to entries that don't hash to the tree.</b> A bundle (or data tile) that is malformed as a
 * whole (truncated, wrong count, trailing bytes) throws: the poller fetches the batch again, nothing is skipped. A
 * level-0 tile that does not hash to the signed root throws too (the tile, not the entries, is in doubt). A
 * well-formed bundle whose entries don't all match the authenticated tile is fetched once more (a cache or proxy
 * glitch heals); entries that still don't match are published as served ({@link Fetched.Mismatched}), each with a
 * DLQ note carrying the served bytes, the hash it has and the hash the tree has, and the position moves past it.
 * Serve-as-served: the audit appends the served leaf and proves the tampering against the signed root
 * (TAMPERED_ENTRIES), where dropping the entry would leave a gap the audit can only call missing, and rejecting the
 * whole bundle would let one tampered entry stall the log's ingest forever. An entry the source cannot read at all
 * (its own rejection) still goes to the DLQ only.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class TiledEntries<L> {
  private static final Logger log = LoggerFactory.getLogger(TiledEntries.class);
  private static final HexFormat HEX = HexFormat.of();

  /** How a source reads its served entries. Implementations must be thread-safe. */
  interface Decoder<L> {
    /**
     * The entries of a served bundle or data tile of {@code width} entries, in order.
     *
     * @throws MalformedResponseException if the bytes cannot be used as a whole (the batch is fetched again)
     */
    List<L> decode(byte[] served, int width, String path) throws MalformedResponseException;

    /** SHA-256(0x00 ‖ leaf) of an entry. */
    byte[] leafHash(L entry);

    /** The entry's bytes as served (the DLQ value of a rejected entry). */
    byte[] raw(L entry);

    /** The entry to publish at {@code index} (or a rejection of the source's own). */
    Fetched accept(long index, L entry, long observedAtMillis);
  }

  private final TiledLog tiled;
  private final TilePath.Kind kind;
  private final Decoder<L> decoder;
  private final RejectedRecords rejected;

  TiledEntries(TiledLog tiled, TilePath.Kind kind, Decoder<L> decoder, RejectedRecords rejected) {
    if (kind == TilePath.Kind.HASH) throw new IllegalArgumentException("kind must be ENTRIES or DATA, was " + kind);
    this.tiled = tiled;
    this.kind = kind;
    this.decoder = decoder;
    this.rejected = rejected;
  }

  /** {@code [start, end)}, within one tile ({@link TiledLog#batchEnd}), published under {@code key}. */
  List<Fetched> fetch(String key, long start, long end, long now) throws IOException {
    long n = start / TilePath.FULL_WIDTH;
    long first = n * TilePath.FULL_WIDTH;
    if (end <= start || end > first + TilePath.FULL_WIDTH) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "batch [%d, %d) must lie in one tile", start, end));
    }
    List<byte[]> hashes = tiled.leafHashes(n, end);
    int width = hashes.size();
    List<L> entries = fetchEntries(n, width);
    if (!allMatch(entries, hashes, start - first, end - first)) {
      log.warn("{}: entries [{}, {}) don't all hash to the tree, fetching the bundle again", key, start, end);
      entries = fetchEntries(n, width);
    }
    List<Fetched> out = new ArrayList<>((int) (end - start));
    for (long i = start; i < end; i++) {
      L e = entries.get((int) (i - first));
      byte[] got = decoder.leafHash(e);
      byte[] want = hashes.get((int) (i - first));
      Fetched accepted = decoder.accept(i, e, now);
      if (Arrays.equals(got, want)) {
        out.add(accepted);
      } else {
        Fetched.Rejected note = reject(key, i, decoder.raw(e), String.format(Locale.ROOT,
            "served entry hashes to %s, but the tree has leaf hash %s (%s)%s", HEX.formatHex(got), HEX.formatHex(want),
            path(n, width), accepted instanceof Fetched.Entry ? "; published as served" : ""));
        out.add(accepted instanceof Fetched.Entry a ? new Fetched.Mismatched(i, a.key(), a.value(), note.record()) : note);
      }
    }
    return out;
  }

  private List<L> fetchEntries(long n, int width) throws IOException {
    String path = path(n, width);
    TiledLog.Served served = tiled.fetchWithFallback(path, path(n, TilePath.FULL_WIDTH), width);
    List<L> entries = decoder.decode(served.data(), served.width(), path);
    if (entries.size() != served.width()) {
      throw new MalformedResponseException(String.format(Locale.ROOT, "%s: got %d entries, want %d", path,
          entries.size(), served.width()));
    }
    return entries;
  }

  private boolean allMatch(List<L> entries, List<byte[]> hashes, long from, long to) {
    for (long i = from; i < to; i++) {
      if (!Arrays.equals(decoder.leafHash(entries.get((int) i)), hashes.get((int) i))) return false;
    }
    return true;
  }

  private String path(long n, int width) {
    return new TilePath(kind, 0, n, width).path();
  }

  /** A DLQ record for the entry at {@code index} of the log {@code key}. */
  Fetched.Rejected reject(String key, long index, byte[] raw, String reason) {
    RejectedRecord r = rejected.of("ingest:" + key, "index " + index + ": " + reason, null, null, null,
        key.getBytes(StandardCharsets.UTF_8), raw);
    r.setLogId(key);
    r.setLogIndex(index);
    return new Fetched.Rejected(index, r);
  }
}
