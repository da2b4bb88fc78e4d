package dev.sigwatch.ingest.rekor;

import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogSource;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.ProofBases;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.ShardState;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rekor v1 as one index space: the virtual logIndex across shards (inactive shards' sizes, oldest first, then the
 * active shard). Each shard is its own log id ({@code <host> - <treeID>}, its checkpoint origin). Because indexes are
 * virtual and ingested in order, a frozen shard's entries are always finished before the next shard's start. A frozen
 * shard's range is fixed at the final size first observed (also recovered from its published INACTIVE checkpoint on
 * restart); a later change to it is published as its checkpoint, raw, and never moves the active shard's indexes.
 */
public final class RekorV1Source implements LogSource {
  private static final Logger log = LoggerFactory.getLogger(RekorV1Source.class);
  private static final HexFormat HEX = HexFormat.of();

  /** A shard's place in the virtual index space. */
  record ShardLayout(String treeId, String logId, long offset, long size) {}

  private final LogTarget target;
  private final RekorV1Client client;
  private final Topics topics;
  private final Clock clock;
  private final RejectedRecords rejected;
  private final ProofBases bases = new ProofBases();
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  /** Frozen shards by tree id, at the final size first observed (written by the poll thread only). */
  private final Map<String, ShardLayout> frozen = new ConcurrentHashMap<>();
  private volatile List<ShardLayout> layout = List.of();

  public RekorV1Source(LogTarget target, RekorV1Client client, Topics topics, Clock clock) {
    this.target = target;
    this.client = client;
    this.topics = topics;
    this.clock = clock;
    this.rejected = new RejectedRecords(clock);
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
  public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException, InterruptedException {
    RekorLogInfo info = client.logInfo();
    long now = clock.millis();
    List<RekorLogInfo.Shard> shards = new ArrayList<>(info.inactive());
    shards.add(info.active());
    List<ShardLayout> next = new ArrayList<>();
    List<String> logIds = new ArrayList<>();
    long offset = 0;
    Map<String, dev.sigwatch.core.checkpoint.Checkpoint> parsed = new HashMap<>();
    for (int i = 0; i < shards.size(); i++) {
      RekorLogInfo.Shard s = shards.get(i);
      dev.sigwatch.core.checkpoint.Checkpoint c = parse(s);
      if (c.size() != s.treeSize()) {
        throw new MalformedResponseException(String.format(java.util.Locale.ROOT,
            "log info: shard %s signed size %d, listed %d", s.treeId(), c.size(), s.treeSize()));
      }
      parsed.put(s.treeId(), c);
      // A frozen shard's range is fixed at the final size first observed: a later change to it (an incident, which
      // verify reports from its checkpoint) neither moves later shards' virtual offsets nor is ingested.
      ShardLayout known = i < shards.size() - 1 ? frozen.get(s.treeId()) : null;
      long size = known != null ? known.size() : s.treeSize();
      next.add(new ShardLayout(s.treeId(), c.origin(), offset, size));
      offset += size;
    }
    logIds.add(next.get(next.size() - 1).logId());
    for (int i = 0; i < next.size() - 1; i++) logIds.add(next.get(i).logId());
    List<Checkpoint> out = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      RekorLogInfo.Shard s = shards.get(i);
      ShardLayout l = next.get(i);
      dev.sigwatch.core.checkpoint.Checkpoint c = parsed.get(s.treeId());
      Checkpoint prev = lastPublished.get(l.logId());
      ShardState state = i == shards.size() - 1 ? ShardState.ACTIVE : ShardState.INACTIVE;
      if (prev != null && prev.getTreeSize() == c.size() && ByteBuffer.wrap(c.rootHash()).equals(prev.getRootHash())
          && prev.getShardState() == state) { // a shard that froze is published again, as INACTIVE
        continue;
      }
      boolean frozenChanged = state == ShardState.INACTIVE && frozen.containsKey(s.treeId()) && prev != null
          && prev.getShardState() == ShardState.INACTIVE; // identical heads were skipped above
      Checkpoint.Builder b = Checkpoint.newBuilder().setLogId(l.logId()).setLogType(LogType.REKOR_V1)
          .setOrigin(c.origin()).setTreeSize(c.size()).setRootHash(ByteBuffer.wrap(c.rootHash()))
          .setTimestampMillis(c.rekorTimestampNanos().isPresent() ? c.rekorTimestampNanos().getAsLong() / 1_000_000 : null)
          .setObservedAtMillis(now).setRawNote(ByteBuffer.wrap(s.signedTreeHead().getBytes(StandardCharsets.UTF_8)))
          .setSourceUrl(target.resolve("api/v1/log").toString()).setTreeId(s.treeId())
          .setShardState(state)
          .setShardOffset(l.offset()).setActiveShards(logIds);
      if (frozenChanged) {
        // Published raw, without asking the misbehaving shard for a proof: verify alerts on it.
        log.warn("{}: frozen shard {} changed (final size {}, now {}); publishing its checkpoint, not ingesting it",
            name(), s.treeId(), l.size(), c.size());
      } else {
        proof(b, s.treeId(), bases.base(l.logId(), lastPublished), c.size());
      }
      out.add(b.build());
    }
    for (ShardLayout l : next.subList(0, next.size() - 1)) frozen.putIfAbsent(l.treeId(), l);
    layout = List.copyOf(next);
    next.forEach(l -> keys.add(l.logId()));
    return new Poll(out, offset);
  }

  /**
   * Attaches the consistency proof of a shard's new checkpoint of {@code size}: from the chain's base when larger
   * ({@code /api/v1/log/proof?firstSize=base&lastSize=size}); from its own size to the base's when smaller, so that
   * verify tells a rollback (a prefix of the verified tree) from a second tree. A smaller head the log will not prove
   * is published without one (verify then treats it as a split view): it is evidence either way.
   */
  private void proof(Checkpoint.Builder b, String treeId, Checkpoint base, long size)
      throws IOException, InterruptedException {
    ProofBases.Direction dir = ProofBases.direction(base, size);
    if (dir == ProofBases.Direction.NONE) return;
    List<byte[]> hashes;
    if (dir == ProofBases.Direction.FROM_BASE) {
      hashes = client.consistencyProof(treeId, base.getTreeSize(), size);
    } else {
      try {
        hashes = client.consistencyProof(treeId, size, base.getTreeSize());
      } catch (IOException e) {
        log.warn("{}: no consistency proof {} -> {} for a smaller checkpoint of {}: {}", name(), size,
            base.getTreeSize(), treeId, e.getMessage());
        return;
      }
    }
    List<ByteBuffer> proof = new ArrayList<>();
    for (byte[] h : hashes) proof.add(ByteBuffer.wrap(h));
    b.setProofFromSize(base.getTreeSize()).setProofFromRoot(base.getRootHash()).setConsistencyProof(proof);
  }

  /** Records the final size of a shard first published as frozen (INACTIVE); idempotent. */
  @Override
  public void restore(Checkpoint published) {
    bases.offer(published);
    if (published.getShardState() != ShardState.INACTIVE || published.getTreeId() == null) return;
    long offset = published.getShardOffset() == null ? 0 : published.getShardOffset();
    frozen.putIfAbsent(published.getTreeId(),
        new ShardLayout(published.getTreeId(), published.getLogId(), offset, published.getTreeSize()));
    keys.add(published.getLogId());
  }

  private static dev.sigwatch.core.checkpoint.Checkpoint parse(RekorLogInfo.Shard s) throws MalformedResponseException {
    try {
      return dev.sigwatch.core.checkpoint.Checkpoint.from(SignedNote.parse(s.signedTreeHead()));
    } catch (NoteFormatException e) {
      throw new MalformedResponseException("log info: shard " + s.treeId() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long batchEnd(long start, long limit) {
    return Math.min(limit, start + RekorV1Client.MAX_RETRIEVE);
  }

  @Override
  public List<Fetched> fetch(long start, long end) throws IOException, InterruptedException {
    List<Long> indexes = new ArrayList<>();
    for (long i = start; i < end; i++) indexes.add(i);
    List<ServedEntry> served;
    Map<Long, Fetched> byIndex = new HashMap<>();
    List<ShardLayout> shards = layout;
    long now = clock.millis();
    try {
      served = client.retrieve(indexes);
    } catch (LogHttp.ResponseTooLargeException e) {
      // Several big entries together exceed the response limit: ask for them one at a time; an entry whose own answer
      // is over the limit is read as a stream (bounded memory) and published truncated with its leaf hash.
      served = new ArrayList<>();
      if (indexes.size() == 1) {
        byIndex.put(start, streamed(start, e, shards, now));
      } else {
        log.warn("{}: retrieve [{}, {}): {}; asking one entry at a time", name(), start, end, e.getMessage());
        for (Long i : indexes) {
          try {
            served.addAll(client.retrieve(List.of(i)));
          } catch (LogHttp.ResponseTooLargeException tooLarge) {
            byIndex.put(i, streamed(i, tooLarge, shards, now));
          }
        }
      }
    }
    for (ServedEntry e : served) {
      Fetched f = entry(e, shards, now, start, end);
      if (f != null) byIndex.putIfAbsent(f.index(), f);
    }
    List<Fetched> out = new ArrayList<>();
    for (long i = start; i < end; i++) {
      Fetched f = byIndex.get(i);
      if (f == null) {
        throw new MalformedResponseException(String.format(java.util.Locale.ROOT,
            "retrieve [%d, %d): no entry for logIndex %d among %d served", start, end, i, served.size()));
      }
      out.add(f);
    }
    return out;
  }

  /** One served {@code {uuid: entry}}; null if it is not one of the asked indexes. */
  private Fetched entry(ServedEntry served, List<ShardLayout> shards, long now, long start, long end) {
    byte[] raw = served.raw();
    String uuid = served.uuid();
    long index = served.logIndex();
    if (index < start || index >= end) return null;
    ShardLayout shard = shardOf(shards, index);
    String key = shard == null ? name() : shard.logId();
    try {
      if (shard == null) throw new IllegalArgumentException("logIndex " + index + " is beyond every known shard");
      byte[] body = served.body();
      if (body == null) throw new IllegalArgumentException(served.bodyError());
      if (body.length == 0) throw new IllegalArgumentException("entry has no body");
      long leafIndex = index - shard.offset();
      OptionalLong proofIndex = served.proofLogIndex();
      OptionalLong it = served.integratedTime();
      RekorEntry entry = RekorEntry.newBuilder().setLogId(key).setLogType(LogType.REKOR_V1)
          .setLeafIndex(leafIndex).setLogIndex(index).setTreeId(shard.treeId()).setUuid(uuid)
          .setIntegratedTime(it.isPresent() ? it.getAsLong() : null).setBody(ByteBuffer.wrap(body))
          .setRaw(ByteBuffer.wrap(served.rawForTopic())).setRawBodyAt(served.rawBodyAt())
          .setObservedAtMillis(now).build();
      String leafHex = HEX.formatHex(Rfc6962.leafHash(body));
      String uuidHash = uuid.length() > 64 ? uuid.substring(uuid.length() - 64) : uuid;
      if (proofIndex.isPresent() && proofIndex.getAsLong() != leafIndex && uuidHash.equalsIgnoreCase(leafHex)) {
        // The body is the leaf; only the proof's claim is wrong (the proof is not what we audit with: the audit
        // recomputes the tree from every leaf). Published, the anomaly noted: never lose a leaf.
        return new Fetched.Mismatched(index, key, entry, reject(key, index, "inclusion proof logIndex "
            + proofIndex.getAsLong() + ", want shard-local " + leafIndex + " (shard offset " + shard.offset()
            + "); the entry is published, its body is the leaf its UUID names", raw));
      }
      if (uuidHash.equalsIgnoreCase(leafHex)) return new Fetched.Entry(index, key, entry);
      // Served at this index but not the entry its UUID names: published as served (the audit proves the tampering
      // against the signed root), and noted in the DLQ.
      return new Fetched.Mismatched(index, key, entry, reject(key, index,
          "body hashes to leaf " + leafHex + ", but its UUID names leaf " + uuidHash + " (UUID " + uuid + ")", raw));
    } catch (IllegalArgumentException ex) {
      return new Fetched.Rejected(index, reject(key, index, ex.getMessage(), raw));
    }
  }

  /** Bytes of an entry's body (and of the answer) kept when its answer is over the response limit. */
  static final int STREAMED_KEEP = 64 * 1024;

  /**
   * The entry at {@code index} whose single-entry answer is over the response limit: read as a stream, published with
   * its body truncated and the leaf hash of the full served body (the audit covers it, match reports it MALFORMED),
   * noted in the DLQ with the answer's first bytes and hash. Never skipped: an answer beyond even the streamed limit,
   * or one that is not a readable entry, fails the fetch (reported, fetched again).
   */
  private Fetched streamed(long index, IOException tooLarge, List<ShardLayout> shards, long now)
      throws IOException, InterruptedException {
    StreamedEntry s = client.retrieveStreamed(index, STREAMED_KEEP);
    ShardLayout shard = shardOf(shards, index);
    String key = shard == null ? name() : shard.logId();
    String served = "its answer (" + s.rawBytes() + " bytes, SHA-256 " + HEX.formatHex(s.rawSha256())
        + ") exceeds the response limit (" + tooLarge.getMessage() + ")";
    if (s.logIndex() != -1 && s.logIndex() != index) {
      throw new MalformedResponseException("retrieve (streamed) of logIndex " + index + " answered logIndex "
          + s.logIndex());
    }
    if (shard == null || s.bodyError() != null || s.bodyBytes() == 0) {
      String why = shard == null ? "logIndex " + index + " is beyond every known shard"
          : s.bodyError() != null ? s.bodyError() : "entry has no body";
      return new Fetched.Rejected(index, reject(key, index, served + "; rejected: " + why, s.rawPrefix()));
    }
    OptionalLong it = s.integratedTime();
    RekorEntry entry = RekorEntry.newBuilder().setLogId(key).setLogType(LogType.REKOR_V1)
        .setLeafIndex(index - shard.offset()).setLogIndex(index).setTreeId(shard.treeId()).setUuid(s.uuid())
        .setIntegratedTime(it.isPresent() ? it.getAsLong() : null).setBody(ByteBuffer.wrap(s.bodyPrefix()))
        .setRaw(null).setLeafHash(ByteBuffer.wrap(s.leafHash())).setServedBytes(s.bodyBytes())
        .setObservedAtMillis(now).build();
    String leafHex = HEX.formatHex(s.leafHash());
    String uuid = s.uuid();
    String uuidHash = uuid.length() > 64 ? uuid.substring(uuid.length() - 64) : uuid;
    String reason = served + ": read as a stream, published with its body truncated to " + s.bodyPrefix().length
        + " of " + s.bodyBytes() + " bytes and the leaf hash " + leafHex + " computed from the served body, without "
        + "its raw JSON" + (uuidHash.equalsIgnoreCase(leafHex) ? ""
            : "; the body does not hash to the leaf its UUID names (" + uuid + ")");
    log.warn("{}: logIndex {}: {}", name(), index, reason);
    return new Fetched.Mismatched(index, key, entry, reject(key, index, reason, s.rawPrefix()));
  }

  private RejectedRecord reject(String key, long index, String reason, byte[] raw) {
    RejectedRecord r = rejected.of("ingest:" + key, "logIndex " + index + ": " + reason,
        null, null, null, key.getBytes(StandardCharsets.UTF_8), raw);
    r.setLogId(key);
    r.setLogIndex(index);
    return r;
  }

  private static ShardLayout shardOf(List<ShardLayout> shards, long index) {
    for (int i = shards.size() - 1; i >= 0; i--) {
      ShardLayout s = shards.get(i);
      if (index >= s.offset()) return i < shards.size() - 1 && index >= s.offset() + s.size() ? null : s;
    }
    return null;
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
  public long endOf(Checkpoint checkpoint) {
    return (checkpoint.getShardOffset() == null ? 0 : checkpoint.getShardOffset()) + checkpoint.getTreeSize();
  }

  @Override
  public boolean owns(Checkpoint checkpoint) {
    return checkpoint.getLogType() == LogType.REKOR_V1
        && checkpoint.getSourceUrl().equals(target.resolve("api/v1/log").toString());
  }
}
