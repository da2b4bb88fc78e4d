package dev.sigwatch.ingest.tiles;

import dev.sigwatch.core.ct.CtExtensions;
import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogSource;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * A static-ct-api log (C2SP static-ct-api): its checkpoint ({@code <base>/checkpoint}) with a consistency proof from
 * the previously published one computed from hash tiles, and its entries from data tiles ({@code tile/data/<N>
 * [.p/<W>]}) as {@link CtEntry}: {@code leafInput} the MerkleTreeLeaf rebuilt from the TileLeaf (what the level-0
 * tile hashes), {@code extraData} the rest of the TileLeaf (pre-certificate and chain fingerprints, as encoded in
 * it), {@code tileLeaf} the TileLeaf bytes exactly as served. Issuer certificates ({@code issuer/<fp>}) are not
 * fetched: the fingerprints are kept, and the chain is the CA's business, not the log's.
 *
 * <p>Log id and entry key: the log URL without scheme. Entries are checked against the authenticated level-0 tile
 * (see {@link TiledEntries}); an entry whose {@code leaf_index} extension is not its index is rejected too. A data
 * tile that does not decode as a whole is fetched again. Thread-safe as {@link LogSource} requires.
 */
public final class StaticCtSource implements LogSource {
  /** One decoded TileLeaf and its bytes as served. */
  record Leaf(TileLeaf leaf, byte[] served, byte[] leafInput) {}

  private final LogTarget target;
  private final Topics topics;
  private final Clock clock;
  private final TiledLog tiled;
  private final TiledEntries<Leaf> entries;

  /** @param fetcher tiles relative to the log URL (see {@link #tilePrefix}) */
  public StaticCtSource(LogTarget target, TileFetcher fetcher, Topics topics, Clock clock) {
    if (target.family() != LogTarget.Family.STATIC_CT) {
      throw new IllegalArgumentException("target must be a static-ct log, was " + target.family().configName());
    }
    this.target = target;
    this.topics = topics;
    this.clock = clock;
    String id = target.withoutScheme();
    this.tiled = new TiledLog(id, fetcher, LogType.STATIC_CT, tilePrefix(target) + "/checkpoint", origin -> id, clock);
    this.entries = new TiledEntries<>(tiled, TilePath.Kind.DATA, new DataTiles(), new RejectedRecords(clock));
  }

  /** The URL tile paths are relative to: the log URL itself. */
  public static String tilePrefix(LogTarget target) {
    return target.url().toString();
  }

  @Override
  public String name() {
    return target.withoutScheme();
  }

  @Override
  public Topic<String, CtEntry> entriesTopic() {
    return topics.ctEntries();
  }

  @Override
  public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException {
    return tiled.poll(lastPublished);
  }

  @Override
  public long batchEnd(long start, long limit) {
    return TiledLog.batchEnd(start, limit);
  }

  @Override
  public List<Fetched> fetch(long start, long end) throws IOException {
    return entries.fetch(name(), start, end, clock.millis());
  }

  @Override
  public Set<String> entryKeys() {
    return Set.of(name());
  }

  @Override
  public long indexOf(SpecificRecord entry) {
    return ((CtEntry) entry).getIndex();
  }

  @Override
  public boolean owns(Checkpoint checkpoint) {
    return tiled.owns(checkpoint);
  }

  /** The last checkpoint published before a restart is the tree entries are authenticated against (see TiledLog). */
  @Override
  public void restore(Checkpoint published) {
    tiled.restore(published);
  }

  /** Data tiles: concatenated TileLeafs; the Merkle leaf is the MerkleTreeLeaf around the TimestampedEntry. */
  private final class DataTiles implements TiledEntries.Decoder<Leaf> {
    @Override
    public List<Leaf> decode(byte[] served, int width, String path) throws MalformedResponseException {
      List<TileLeaf> leaves;
      try {
        leaves = TileLeaf.parseTile(served);
      } catch (CtFormatException | IllegalArgumentException e) {
        throw new MalformedResponseException(path + ": " + e.getMessage(), e);
      }
      List<Leaf> out = new ArrayList<>(leaves.size());
      ByteArrayOutputStream again = new ByteArrayOutputStream(served.length);
      for (TileLeaf l : leaves) {
        byte[] bytes = l.encode();
        again.writeBytes(bytes);
        out.add(new Leaf(l, bytes, l.merkleTreeLeaf().encode()));
      }
      // TLS encoding is canonical, so re-encoding gives back exactly the served bytes; anything else is not a tile.
      if (!Arrays.equals(again.toByteArray(), served)) {
        throw new MalformedResponseException(path + ": entries do not re-encode to the served bytes");
      }
      return out;
    }

    @Override
    public byte[] leafHash(Leaf entry) {
      return dev.sigwatch.core.merkle.Rfc6962.leafHash(entry.leafInput());
    }

    @Override
    public byte[] raw(Leaf entry) {
      return entry.served();
    }

    @Override
    public Fetched accept(long index, Leaf entry, long now) {
      String key = name();
      try {
        OptionalLong leafIndex = CtExtensions.leafIndex(entry.leaf().entry().extensions());
        if (leafIndex.isPresent() && leafIndex.getAsLong() != index) {
          return entries.reject(key, index, entry.served(), "leaf_index extension is " + leafIndex.getAsLong());
        }
      } catch (CtFormatException e) {
        return entries.reject(key, index, entry.served(), "extensions: " + e.getMessage());
      }
      // The TileLeaf starts with the TimestampedEntry, which the MerkleTreeLeaf wraps in 2 bytes (version, leaf type).
      byte[] rest = Arrays.copyOfRange(entry.served(), entry.leafInput().length - 2, entry.served().length);
      return new Fetched.Entry(index, key, CtEntry.newBuilder().setLogId(key).setLogType(LogType.STATIC_CT)
          .setIndex(index).setLeafInput(ByteBuffer.wrap(entry.leafInput())).setExtraData(ByteBuffer.wrap(rest))
          .setTileLeaf(ByteBuffer.wrap(entry.served())).setObservedAtMillis(now).build());
    }
  }
}
