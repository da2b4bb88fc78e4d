package dev.sigwatch.ingest.ct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogSource;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.ProofBases;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RFC 6962 CT log as a {@link LogSource}. Its log id (checkpoint key, entry key, origin) is the log URL without
 * scheme, e.g. {@code ctfe.sigstore.dev/2022}; indexes are the log's own leaf indexes.
 *
 * <p>A new STH (another size, root or timestamp than the last published one) is published as served, with the
 * {@code get-sth-consistency} proof from the last published STH when the tree grew. Entries are fetched with
 * {@code get-entries}, looping while the log serves fewer than asked. Each {@code leaf_input} and {@code extra_data}
 * is parsed (core's {@link MerkleTreeLeaf} and {@link ExtraData}); an entry malformed as served goes to the DLQ.
 * Each new STH carries the tree's frontier ({@link #frontier}). Thread-safe: the only state kept between calls is the
 * last frontier derived (a cache) and the chain of proof bases.
 */
public final class CtSource implements LogSource {
  private static final Logger log = LoggerFactory.getLogger(CtSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Entries asked for per get-entries request. Logs cap the answer themselves (Sigstore's CTFE and Trillian-based
   * logs serve up to a few hundred to 1000); asking for more than the log serves only costs extra round trips of the
   * loop, asking for fewer costs more requests against the per-log rate limit.
   */
  public static final int DEFAULT_BATCH = 256;

  private final LogTarget target;
  private final CtClient client;
  private final Topics topics;
  private final Clock clock;
  private final int batch;
  private final RejectedRecords rejected;
  private final ProofBases bases = new ProofBases();

  public CtSource(LogTarget target, CtClient client, Topics topics, Clock clock) {
    this(target, client, topics, clock, DEFAULT_BATCH);
  }

  /** @param batch entries asked for per batch, &gt;= 1 */
  public CtSource(LogTarget target, CtClient client, Topics topics, Clock clock, int batch) {
    if (target.family() != LogTarget.Family.CT) throw new IllegalArgumentException("want a ct log, got " + target);
    if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, was " + batch);
    this.target = target;
    this.client = client;
    this.topics = topics;
    this.clock = clock;
    this.batch = batch;
    this.rejected = new RejectedRecords(clock);
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
  public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException, InterruptedException {
    CtSth sth = client.sth();
    SignedTreeHead h = sth.head();
    Checkpoint prev = lastPublished.get(name());
    if (prev != null && prev.getTreeSize() == h.treeSize() && ByteBuffer.wrap(h.rootHash()).equals(prev.getRootHash())
        && Objects.equals(prev.getTimestampMillis(), h.timestamp())) {
      return new Poll(List.of(), h.treeSize());
    }
    Checkpoint.Builder b = Checkpoint.newBuilder().setLogId(name()).setLogType(LogType.CT).setOrigin(name())
        .setTreeSize(h.treeSize()).setRootHash(ByteBuffer.wrap(h.rootHash())).setTimestampMillis(h.timestamp())
        .setObservedAtMillis(clock.millis()).setRawNote(ByteBuffer.wrap(sth.raw()))
        .setSourceUrl(target.resolve("ct/v1/get-sth").toString());
    Checkpoint base = bases.base(name(), lastPublished);
    switch (ProofBases.direction(base, h.treeSize())) {
      case FROM_BASE -> {
        List<ByteBuffer> proof = new ArrayList<>();
        for (byte[] p : client.consistency(base.getTreeSize(), h.treeSize())) proof.add(ByteBuffer.wrap(p));
        b.setProofFromSize(base.getTreeSize()).setProofFromRoot(base.getRootHash()).setConsistencyProof(proof);
      }
      case TO_BASE -> {
        // A smaller tree head: the proof from its size to the base tells verify a rollback from a second tree. A log
        // that will not prove it leaves it unproven (a split view to verify), not unpublished.
        try {
          List<ByteBuffer> proof = new ArrayList<>();
          for (byte[] p : client.consistency(h.treeSize(), base.getTreeSize())) proof.add(ByteBuffer.wrap(p));
          b.setProofFromSize(base.getTreeSize()).setProofFromRoot(base.getRootHash()).setConsistencyProof(proof);
        } catch (IOException e) {
          log.warn("{}: no consistency proof {} -> {} for a smaller tree head: {}", name(), h.treeSize(),
              base.getTreeSize(), e.getMessage());
        }
      }
      case NONE -> { }
    }
    b.setFrontier(frontier(h.treeSize(), h.rootHash()));
    log.debug("{}: new STH size {} timestamp {}", name(), h.treeSize(), h.timestamp());
    return new Poll(List.of(b.build()), h.treeSize());
  }

  /** The frontier derived last and the tree head it is for: an STH re-signed at the same size needs no request. */
  private record Frontier(long size, byte[] root, List<byte[]> hashes) {}

  private volatile Frontier lastFrontier;

  /**
   * The tree's frontier (the perfect-subtree roots of {@code [0, size)}), so verify can start or re-anchor its full
   * audit at this STH: the inclusion proof of the last leaf, {@code size - 1}, in the tree of {@code size} consists of
   * left siblings only, the frontier of {@code [0, size - 1)}, and appending that leaf gives the frontier of
   * {@code [0, size)} ({@link CompactRange#fromInclusionProofOfLastLeaf}). Its root must be the STH's root (then the
   * frontier is proven as the inclusion proof would be); verify checks that again against the signed root. A log that
   * cannot serve the proof costs the anchor only: the STH is published without it.
   */
  private List<ByteBuffer> frontier(long size, byte[] root) throws InterruptedException {
    if (size == 0) return List.of();
    Frontier f = lastFrontier;
    if (f == null || f.size() != size || !Arrays.equals(f.root(), root)) {
      try {
        CtClient.LeafProof p = client.leafProof(size - 1, size);
        CompactRange range = CompactRange.fromInclusionProofOfLastLeaf(size, Rfc6962.leafHash(p.leafInput()),
            p.auditPath());
        if (!Arrays.equals(range.root(), root)) {
          log.warn("{}: the inclusion proof of leaf {} leads to root {}, not to the STH's {}: no frontier", name(),
              size - 1, HexFormat.of().formatHex(range.root()), HexFormat.of().formatHex(root));
          return List.of();
        }
        lastFrontier = f = new Frontier(size, root.clone(), range.frontier());
      } catch (IOException | ProofException e) {
        log.warn("{}: no frontier of size {} (the audit cannot start at this STH): {}", name(), size, e.getMessage());
        return List.of();
      }
    }
    return f.hashes().stream().map(h -> ByteBuffer.wrap(h.clone())).toList();
  }

  @Override
  public long batchEnd(long start, long limit) {
    return Math.min(limit, start + batch);
  }

  @Override
  public List<Fetched> fetch(long start, long end) throws IOException, InterruptedException {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "need 0 <= start < end, got %d, %d", start, end));
    }
    List<Fetched> out = new ArrayList<>((int) (end - start));
    long next = start;
    while (next < end) { // the log may serve fewer than asked: ask again for the rest
      List<byte[]> served = client.entries(next, end - 1);
      if (served.isEmpty() || served.size() > end - next) {
        throw new MalformedResponseException(String.format(Locale.ROOT,
            "get-entries [%d, %d]: %d entries served, want 1 to %d", next, end - 1, served.size(), end - next));
      }
      long now = clock.millis();
      for (byte[] raw : served) out.add(entry(next++, raw, now));
      if (next < end) log.trace("{}: get-entries served up to {}, asking again for [{}, {}]", name(), next - 1, next, end - 1);
    }
    return out;
  }

  /** One served {@code {leaf_input, extra_data}} object at {@code index}. */
  private Fetched entry(long index, byte[] raw, long now) throws MalformedResponseException {
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      throw new MalformedResponseException("get-entries: bad JSON at index " + index + ": " + e.getMessage(), e);
    }
    try {
      byte[] leafInput = base64(n, "leaf_input");
      byte[] extraData = base64(n, "extra_data");
      MerkleTreeLeaf leaf = parseLeaf(leafInput);
      CtEntry entry = CtEntry.newBuilder().setLogId(name()).setLogType(LogType.CT)
          .setIndex(index).setLeafInput(ByteBuffer.wrap(leafInput)).setExtraData(ByteBuffer.wrap(extraData))
          .setObservedAtMillis(now).build();
      try {
        parseExtraData(leaf, extraData);
      } catch (IllegalArgumentException e) {
        // extra_data is not covered by the tree: the leaf is still what the log signed, so it is published (audited,
        // matched on its TBS) and the malformed extra_data is noted in the DLQ. Never lose a leaf.
        String reason = "index " + index + ": " + e.getMessage() + "; the leaf is published, its extra_data is not usable";
        log.warn("{}: entry {}", name(), reason);
        return new Fetched.Mismatched(index, name(), entry, note(index, reason, raw));
      }
      return new Fetched.Entry(index, name(), entry);
    } catch (IllegalArgumentException e) {
      String reason = "index " + index + ": " + e.getMessage();
      log.warn("{}: rejected entry {}", name(), reason);
      return new Fetched.Rejected(index, note(index, reason, raw));
    }
  }

  private RejectedRecord note(long index, String reason, byte[] raw) {
    RejectedRecord r = rejected.of("ingest:" + name(), reason, null, null, null,
        name().getBytes(StandardCharsets.UTF_8), Arrays.copyOf(raw, raw.length));
    r.setLogId(name());
    r.setLogIndex(index);
    return r;
  }

  private static byte[] base64(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new IllegalArgumentException(field + " must be base64 text, but was: " + v);
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not base64: " + e.getMessage(), e);
    }
  }

  private static MerkleTreeLeaf parseLeaf(byte[] leafInput) {
    try {
      return MerkleTreeLeaf.parse(leafInput);
    } catch (CtFormatException | RuntimeException e) {
      throw new IllegalArgumentException("leaf_input: " + e.getMessage(), e);
    }
  }

  private static void parseExtraData(MerkleTreeLeaf leaf, byte[] extraData) {
    try {
      ExtraData.parse(leaf.entry().entryType(), extraData);
    } catch (CtFormatException | RuntimeException e) {
      throw new IllegalArgumentException("extra_data: " + e.getMessage(), e);
    }
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
  public void restore(Checkpoint published) {
    bases.offer(published);
  }

  @Override
  public boolean owns(Checkpoint checkpoint) {
    return checkpoint.getLogType() == LogType.CT && checkpoint.getLogId().equals(name());
  }
}
