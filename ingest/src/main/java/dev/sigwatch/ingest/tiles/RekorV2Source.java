package dev.sigwatch.ingest.tiles;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.tiles.EntryBundle;
import dev.sigwatch.core.tiles.TileException;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogSource;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * A Rekor v2 shard (C2SP tlog-tiles under {@code <base>/api/v2/}): its signed checkpoint ({@code checkpoint}), with a
 * consistency proof from the previously published one computed from hash tiles ({@code tile/<L>/<N>[.p/<W>]}), and
 * its entries from entry bundles ({@code tile/entries/<N>[.p/<W>]}): full bundles of 256, a partial bundle at the
 * tree's edge, the full bundle once the tree has grown past it (indexes already published are never fetched again:
 * the position is an index, so a batch starts where the last one ended, even inside a bundle).
 *
 * <p>Log id and entry key: the base URL without scheme, the configured log, not the checkpoint origin: real Rekor v2
 * origins are the URL's hostname (sigstore-go) or a configured name, which need not be unique to the log (two
 * instances on one host) and which a log controls; the verify stage binds the origin to this URL. Each entry is a {@link RekorEntry}
 * with {@code leafIndex == logIndex}, the body exactly as in the bundle, and no UUID, integrated time or raw JSON
 * (Rekor v2 has none). Entries are checked against the authenticated level-0 tile; see {@link TiledEntries} for
 * what happens to those that don't match. Thread-safe as {@link LogSource} requires.
 */
public final class RekorV2Source implements LogSource {
  private final LogTarget target;
  private final Topics topics;
  private final Clock clock;
  private final TiledLog tiled;
  private final TiledEntries<byte[]> entries;
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  private volatile String logId;

  /** @param fetcher tiles relative to {@code <base>/api/v2} (see {@link #tilePrefix}) */
  public RekorV2Source(LogTarget target, TileFetcher fetcher, Topics topics, Clock clock) {
    if (target.family() != LogTarget.Family.REKOR_V2) {
      throw new IllegalArgumentException("target must be a rekor-v2 log, was " + target.family().configName());
    }
    this.target = target;
    this.topics = topics;
    this.clock = clock;
    this.tiled = new TiledLog(target.withoutScheme(), fetcher, LogType.REKOR_V2, tilePrefix(target) + "/checkpoint",
        origin -> target.withoutScheme(), clock);
    this.entries = new TiledEntries<>(tiled, TilePath.Kind.ENTRIES, new Bundles(), new RejectedRecords(clock));
  }

  /** The URL tile paths are relative to: {@code <base>/api/v2}. */
  public static String tilePrefix(LogTarget target) {
    return target.url() + "/api/v2";
  }

  @Override
  public String name() {
    return target.withoutScheme();
  }

  @Override
  public Topic<String, RekorEntry> entriesTopic() {
    return topics.rekorEntries();
  }

  @Override
  public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException {
    Poll p = tiled.poll(lastPublished);
    for (Checkpoint c : p.checkpoints()) {
      logId = c.getLogId();
      keys.add(c.getLogId());
    }
    if (logId == null) {
      lastPublished.values().stream().filter(this::owns).findFirst().ifPresent(c -> {
        logId = c.getLogId();
        keys.add(logId);
      });
    }
    return p;
  }

  @Override
  public long batchEnd(long start, long limit) {
    return TiledLog.batchEnd(start, limit);
  }

  @Override
  public List<Fetched> fetch(long start, long end) throws IOException {
    String key = logId;
    if (key == null) throw new IllegalStateException(name() + ": fetch before the first checkpoint");
    return entries.fetch(key, start, end, clock.millis());
  }

  @Override
  public Set<String> entryKeys() {
    return new LinkedHashSet<>(keys);
  }

  @Override
  public long indexOf(SpecificRecord entry) {
    return ((RekorEntry) entry).getLogIndex();
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

  /** Entry bundles: uint16-length-prefixed entries; the leaf is the entry itself. */
  private final class Bundles implements TiledEntries.Decoder<byte[]> {
    @Override
    public List<byte[]> decode(byte[] served, int width, String path) throws MalformedResponseException {
      try {
        return EntryBundle.parse(served, width).entries();
      } catch (TileException e) {
        throw new MalformedResponseException(path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public byte[] leafHash(byte[] entry) {
      return Rfc6962.leafHash(entry);
    }

    @Override
    public byte[] raw(byte[] entry) {
      return entry;
    }

    @Override
    public Fetched accept(long index, byte[] entry, long now) {
      String key = logId;
      return new Fetched.Entry(index, key, RekorEntry.newBuilder().setLogId(key).setLogType(LogType.REKOR_V2)
          .setLeafIndex(index).setLogIndex(index).setTreeId(null).setUuid(null).setIntegratedTime(null)
          .setBody(ByteBuffer.wrap(entry)).setRaw(null).setObservedAtMillis(now).build());
    }
  }
}
