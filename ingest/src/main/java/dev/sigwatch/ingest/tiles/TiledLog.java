package dev.sigwatch.ingest.tiles;

import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.tiles.HashTile;
import dev.sigwatch.core.tiles.TileException;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.core.tiles.TileProofs;
import dev.sigwatch.ingest.ProofBases;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.TreeNotServedException;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a C2SP tiled log source (Rekor v2, static-ct) does apart from decoding entries: polls the signed checkpoint,
 * computes consistency proofs from hash tiles, fetches tiles with the partial-to-full fallback, and authenticates
 * level-0 tiles against the newest checkpoint.
 *
 * <p><b>Reference checkpoint.</b> Entries are checked against the level-0 hash tile, and that tile against the root
 * of the reference checkpoint (an inclusion proof of the tile's first leaf computed from the tiles: every hash of
 * the tile goes into it). The reference only moves forward in size, so a rollback or a same-size split view never
 * makes already-announced entries unverifiable; and it moves only to a checkpoint proven consistent with it (a
 * consistency proof computed from the tiles), so a served checkpoint the log never signed — say a forged one claiming
 * a huge size — cannot pin it: such a checkpoint is returned as {@link Poll#unproven} (published as evidence, where
 * verify checks its signature and alerts) and ingest goes on against the proven tree. The first reference is the
 * last checkpoint published before a restart ({@link #restore}), else the first one served. Signatures are checked
 * by the verify stage on the published raw note; what ingest guarantees is that every published entry hashes to one
 * consistent tree.
 *
 * <p>Thread-safety: {@link #poll} runs on the poller thread, the fetch methods on many fetch threads at once.
 */
final class TiledLog {
  private static final Logger log = LoggerFactory.getLogger(TiledLog.class);
  private static final HexFormat HEX = HexFormat.of();

  /** The tree a fetch authenticates against. */
  record Reference(long size, byte[] root) {}

  /** A tile or bundle as served, and its width (the asked one, or 256 after falling back to the full tile). */
  record Served(byte[] data, int width) {}

  private final String name;
  private final TileFetcher fetcher;
  private final LogType logType;
  private final String sourceUrl;
  private final UnaryOperator<String> logIdOfOrigin;
  private final Clock clock;
  private volatile Reference reference;
  /** The root of the last head ignored as unproven, so a forked log's head is warned about once, not every poll. */
  private volatile ByteBuffer lastIgnoredRoot;
  private final ProofBases bases = new ProofBases();
  /**
   * Hash tiles (other than a batch's own level-0 tile) that took part in a verified inclusion proof. A tile path names
   * immutable content in an honest log (a partial {@code .p/W} tile's W hashes never change either), and these are
   * authenticated, so each batch of 256 entries costs two requests (its tile and bundle) instead of one per tile level
   * plus the tree's right edge. Bounded (a tile is at most 8 KiB): cleared when it reaches {@value #CACHED_TILES}.
   */
  private final Map<String, byte[]> verifiedTiles = new ConcurrentHashMap<>();
  private static final int CACHED_TILES = 128;

  /**
   * @param sourceUrl the checkpoint's URL (what {@link #owns} compares)
   * @param logIdOfOrigin the log id for a checkpoint origin
   */
  TiledLog(String name, TileFetcher fetcher, LogType logType, String sourceUrl, UnaryOperator<String> logIdOfOrigin,
      Clock clock) {
    this.name = name;
    this.fetcher = fetcher;
    this.logType = logType;
    this.sourceUrl = sourceUrl;
    this.logIdOfOrigin = logIdOfOrigin;
    this.clock = clock;
  }

  TileFetcher fetcher() {
    return fetcher;
  }

  Reference reference() {
    return reference;
  }

  /** Fetches the checkpoint; returns it if it differs from the last published one, with a tile-computed proof. */
  Poll poll(Map<String, Checkpoint> lastPublished) throws IOException {
    byte[] raw = fetcher.fetch("checkpoint");
    String text = new String(raw, StandardCharsets.UTF_8);
    SignedNote note;
    dev.sigwatch.core.checkpoint.Checkpoint c;
    try {
      note = SignedNote.parse(text);
      c = dev.sigwatch.core.checkpoint.Checkpoint.from(note);
    } catch (NoteFormatException e) {
      throw new MalformedResponseException("checkpoint: " + e.getMessage(), e);
    }
    Reference ref = reference;
    String logId = logIdOfOrigin.apply(c.origin());
    if (ref == null) {
      reference = ref = new Reference(c.size(), c.rootHash());
    } else if (c.size() > ref.size()) {
      String why = unprovenBy(ref, c);
      if (why != null) {
        // Said once per unproven head (a forked log serves it on every poll); repeats go to debug.
        if (!ByteBuffer.wrap(c.rootHash()).equals(lastIgnoredRoot)) {
          lastIgnoredRoot = ByteBuffer.wrap(c.rootHash());
          log.warn("{}: ignoring checkpoint size {}: {}; ingesting up to {} (repeats of this head are logged at debug)",
              name, c.size(), why, ref.size());
        } else {
          log.debug("{}: still ignoring checkpoint size {}: {}", name, c.size(), why);
        }
        Checkpoint.Builder evidence = Checkpoint.newBuilder().setLogId(logId).setLogType(logType)
            .setOrigin(c.origin()).setTreeSize(c.size()).setRootHash(ByteBuffer.wrap(c.rootHash()))
            .setTimestampMillis(timestamp(note, c)).setObservedAtMillis(clock.millis())
            .setRawNote(ByteBuffer.wrap(raw)).setSourceUrl(sourceUrl);
        // The proof the log's tiles give from the base, failing as it may: verify decides a fork on it (a tree whose
        // tiles cannot prove the verified head a prefix of it), as it does on a Rekor v1 or CT log's failing proof.
        Checkpoint base = bases.base(logId, lastPublished);
        if (ProofBases.direction(base, c.size()) == ProofBases.Direction.FROM_BASE) {
          try {
            List<ByteBuffer> proof = new ArrayList<>();
            for (byte[] h : TileProofs.consistencyProof(fetcher, base.getTreeSize(), c.size())) {
              proof.add(ByteBuffer.wrap(h));
            }
            evidence.setProofFromSize(base.getTreeSize()).setProofFromRoot(base.getRootHash())
                .setConsistencyProof(proof);
          } catch (TileException | FileNotFoundException e) {
            log.debug("{}: no tiles for a proof {} -> {}: {}", name, base.getTreeSize(), c.size(), e.getMessage());
          }
        }
        return new Poll(List.of(), ref.size(), List.of(evidence.build()));
      }
      reference = ref = new Reference(c.size(), c.rootHash());
    }
    Checkpoint prev = lastPublished.get(logId);
    Checkpoint base = bases.base(logId, lastPublished);
    // A tree head is published again whenever its signed note changed, on every tiled log: other witness cosignatures
    // on a Rekor v2 head (a witness that stopped cosigning, or signs badly), a static-ct head re-signed with a new
    // timestamp, a bad signature or another key, must reach verify even while the log does not grow. Dedupe is on the
    // note's bytes, not on the tree: a log that re-signs an unchanged head publishes one record per new signature.
    boolean sameNote = ByteBuffer.wrap(raw).equals(prev == null ? null : prev.getRawNote());
    boolean sameHead = prev != null && prev.getTreeSize() == c.size() && ByteBuffer.wrap(c.rootHash()).equals(prev.getRootHash());
    // A head published without its proof (a tile fetch failed) is published again once the proof can be computed:
    // until then verify keeps its last proven head.
    boolean proofMissing = sameHead && prev.getProofFromSize() == null
        && ProofBases.direction(base, c.size()) == ProofBases.Direction.FROM_BASE;
    if (sameHead && sameNote && !proofMissing) {
      return new Poll(List.of(), c.size());
    }
    Checkpoint.Builder b = Checkpoint.newBuilder().setLogId(logId).setLogType(logType).setOrigin(c.origin())
        .setTreeSize(c.size()).setRootHash(ByteBuffer.wrap(c.rootHash())).setTimestampMillis(timestamp(note, c))
        .setObservedAtMillis(clock.millis()).setRawNote(ByteBuffer.wrap(raw)).setSourceUrl(sourceUrl);
    ProofBases.Direction dir = ProofBases.direction(base, c.size());
    if (dir != ProofBases.Direction.NONE) {
      long size1 = dir == ProofBases.Direction.FROM_BASE ? base.getTreeSize() : c.size();
      long size2 = dir == ProofBases.Direction.FROM_BASE ? c.size() : base.getTreeSize();
      try {
        List<ByteBuffer> proof = new ArrayList<>();
        for (byte[] h : TileProofs.consistencyProof(fetcher, size1, size2)) proof.add(ByteBuffer.wrap(h));
        b.setProofFromSize(base.getTreeSize()).setProofFromRoot(base.getRootHash()).setConsistencyProof(proof);
      } catch (TileException | FileNotFoundException e) {
        // The checkpoint is evidence either way: publish it without a proof (verify keeps its head, and a larger head
        // is published again with its proof once the tiles serve it).
        log.warn("{}: no consistency proof {} -> {} from tiles: {}", name, size1, size2, e.getMessage());
        if (proofMissing && sameNote) return new Poll(List.of(), c.size());
      }
    }
    b.setFrontier(frontier(c.size(), c.rootHash()));
    return new Poll(List.of(b.build()), ref.size());
  }

  /** The frontier computed last, for the tree head it was computed for (a re-signed head needs no new fetches). */
  private record Frontier(long size, byte[] root, List<byte[]> hashes) {}

  private volatile Frontier lastFrontier;

  /**
   * The frontier of the tree of {@code size} leaves (the perfect-subtree roots of {@code [0, size)}, from the hash
   * tiles: about one tile per level, the partial tiles of the right edge), which lets verify start or re-anchor its
   * full audit at this checkpoint. Only a frontier that hashes to the checkpoint's root is attached, and verify checks
   * that again against the signed root; a failure to read the tiles only costs the anchor (the checkpoint is published
   * without it, and the next one brings one).
   */
  private List<ByteBuffer> frontier(long size, byte[] root) {
    if (size == 0) return List.of();
    Frontier f = lastFrontier;
    if (f == null || f.size() != size || !Arrays.equals(f.root(), root)) {
      try {
        List<byte[]> hashes = TileProofs.frontier(fetcher, size);
        byte[] computed = CompactRange.fromFrontier(size, hashes).root();
        if (!Arrays.equals(computed, root)) {
          // Not this checkpoint's tree (a split view's other root, say): useless as an anchor, and verify would say so.
          log.warn("{}: the tiles' frontier of size {} hashes to {}, not to the checkpoint's root {}: no frontier", name,
              size, HEX.formatHex(computed), HEX.formatHex(root));
          return List.of();
        }
        lastFrontier = f = new Frontier(size, root.clone(), List.copyOf(hashes));
      } catch (TileException | ProofException | IOException e) {
        log.warn("{}: no frontier of size {} from the tiles (the audit cannot start at this checkpoint): {}", name, size,
            e.getMessage());
        return List.of();
      }
    }
    return f.hashes().stream().map(h -> ByteBuffer.wrap(h.clone())).toList();
  }

  /**
   * Null if {@code c} is proven consistent with the reference from the tiles, else why not. A transient failure to
   * fetch a tile throws (the poll is retried); a missing tile or a proof that fails is a reason.
   */
  private String unprovenBy(Reference ref, dev.sigwatch.core.checkpoint.Checkpoint c) throws IOException {
    if (ref.size() == 0) return null;
    try {
      List<byte[]> proof = TileProofs.consistencyProof(fetcher, ref.size(), c.size());
      MerkleVerifier.verifyConsistency(ref.size(), c.size(), proof, ref.root(), c.rootHash());
      return null;
    } catch (TileException | ProofException | FileNotFoundException e) {
      return "not proven consistent with the checkpoint at size " + ref.size() + " from the tiles (" + e.getMessage() + ")";
    }
  }

  /** Takes a checkpoint published before a restart as the reference, if it is the biggest so far. */
  void restore(Checkpoint published) {
    if (!owns(published)) return;
    bases.offer(published); // rebuilds the chain of proven heads that consistency proofs start from
    Reference ref = reference;
    if (ref == null || published.getTreeSize() > ref.size()) {
      ByteBuffer root = published.getRootHash().duplicate();
      byte[] r = new byte[root.remaining()];
      root.get(r);
      reference = new Reference(published.getTreeSize(), r);
    }
  }

  /** static-ct's RFC6962NoteSignature starts with the STH timestamp (ms); Rekor v2 signs no time. */
  private Long timestamp(SignedNote note, dev.sigwatch.core.checkpoint.Checkpoint c) {
    if (logType != LogType.STATIC_CT) return null;
    for (NoteSignature s : note.signatures()) {
      byte[] sig = s.signature();
      if (s.name().equals(c.origin()) && sig.length > 8 + 4) return ByteBuffer.wrap(sig, 0, 8).getLong();
    }
    return null;
  }

  boolean owns(Checkpoint c) {
    return c.getLogType() == logType && c.getSourceUrl().equals(sourceUrl);
  }

  /** Batches never cross a 256-entry tile boundary: one bundle (or data tile) and one level-0 tile per batch. */
  static long batchEnd(long start, long limit) {
    return Math.min(limit, (start / TilePath.FULL_WIDTH + 1) * TilePath.FULL_WIDTH);
  }

  /** Width of tile {@code index} in the tree of {@code size} leaves. */
  static int widthAt(long index, long size) {
    return (int) Math.min(TilePath.FULL_WIDTH, size - index * TilePath.FULL_WIDTH);
  }

  /** GETs {@code partial}; if the log has replaced it by the full tile (404), GETs {@code full}. */
  Served fetchWithFallback(String partial, String full, int width) throws IOException {
    if (width == TilePath.FULL_WIDTH) return new Served(fetcher.fetch(full), width);
    try {
      return new Served(fetcher.fetch(partial), width);
    } catch (FileNotFoundException e) {
      return new Served(fetcher.fetch(full), TilePath.FULL_WIDTH);
    }
  }

  /**
   * The leaf hashes of level-0 tile {@code tileIndex} at its width in the reference tree (which covers {@code end}),
   * authenticated against the reference root.
   *
   * @throws MalformedResponseException if the tile is malformed
   * @throws TreeNotServedException if it does not hash to the reference root, or a tile of the reference tree is gone
   */
  List<byte[]> leafHashes(long tileIndex, long end) throws IOException {
    Reference ref = reference;
    if (ref == null || ref.size() < end) {
      throw new IllegalStateException(name + ": fetching up to " + end + " beyond the newest checkpoint "
          + (ref == null ? "(none)" : ref.size()));
    }
    try {
      return authenticatedLeafHashes(ref, tileIndex);
    } catch (FileNotFoundException e) {
      // A tile of the reference tree is gone (404, no full tile either): the log serves another tree, or none.
      throw new TreeNotServedException(String.format(Locale.ROOT, "tile %s of the tree at size %d is not served: %s",
          TilePath.hashTile(0, tileIndex, widthAt(tileIndex, ref.size())), ref.size(), e.getMessage()), e);
    }
  }

  private List<byte[]> authenticatedLeafHashes(Reference ref, long tileIndex) throws IOException {
    int width = widthAt(tileIndex, ref.size());
    String want = TilePath.hashTile(0, tileIndex, width);
    Served served = fetchWithFallback(want, TilePath.hashTile(0, tileIndex, TilePath.FULL_WIDTH), width);
    HashTile tile;
    try {
      tile = HashTile.parse(0, tileIndex, served.data());
    } catch (TileException e) {
      throw new MalformedResponseException(want + ": " + e.getMessage(), e);
    }
    if (tile.width() != served.width()) {
      throw new MalformedResponseException(String.format(Locale.ROOT, "%s: got %d hashes, want %d", want,
          tile.width(), served.width()));
    }
    byte[] data = Arrays.copyOf(served.data(), width * 32);
    Map<String, byte[]> used = new HashMap<>();
    TileFetcher withTile = p -> {
      if (p.equals(want)) return data.clone();
      byte[] cached = verifiedTiles.get(p);
      if (cached != null) return cached.clone();
      byte[] got = fetcher.fetch(p);
      used.put(p, got.clone());
      return got;
    };
    long first = tileIndex * TilePath.FULL_WIDTH;
    try {
      List<byte[]> proof = TileProofs.inclusionProof(withTile, first, ref.size());
      MerkleVerifier.verifyInclusion(first, ref.size(), tile.hash(0), proof, ref.root());
      if (verifiedTiles.size() + used.size() > CACHED_TILES) verifiedTiles.clear();
      verifiedTiles.putAll(used);
    } catch (TileException | ProofException e) {
      verifiedTiles.clear(); // a cached tile may be from a tree the log no longer signs: fetch everything again
      throw new TreeNotServedException(String.format(Locale.ROOT,
          "%s does not hash to the root %s of the checkpoint at size %d: %s", want, HEX.formatHex(ref.root()),
          ref.size(), e.getMessage()), e);
    }
    return tile.hashes().subList(0, width);
  }
}
