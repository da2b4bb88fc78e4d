package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link RekorV2Source} on tessera's 15-entry tlog-tiles test log (real tiles, bundles and checkpoints from the
 * fixtures), and on single mutations of it: a tampered entry, a tampered hash tile, a truncated bundle.
 */
class RekorV2SourceTest {
  static final Path LOG = Path.of(System.getProperty("sigwatch.fixtures"), "rekor-v2", "tlog-tiles-example", "log");
  static final String ORIGIN = "example.com/log/testdata";

  /** Serves the fixture log as it was at {@code size}: {@code checkpoint} is {@code checkpoint.<size>}. */
  static final class FixtureLog implements TileFetcher {
    volatile int size;
    volatile UnaryOperator<byte[]> bundleMutation = UnaryOperator.identity();
    volatile UnaryOperator<byte[]> tileMutation = UnaryOperator.identity();
    volatile UnaryOperator<byte[]> checkpointMutation = UnaryOperator.identity();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FixtureLog(int size) {
      this.size = size;
    }

    @Override
    public byte[] fetch(String path) throws IOException {
      requests.add(path);
      try {
        if (path.equals("checkpoint")) return checkpointMutation.apply(Files.readAllBytes(LOG.resolve("checkpoint." + size)));
        byte[] b = Files.readAllBytes(LOG.resolve(path));
        if (path.startsWith("tile/entries/")) return bundleMutation.apply(b);
        if (path.startsWith("tile/0/")) return tileMutation.apply(b);
        return b;
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException(path);
      }
    }
  }

  final Topics topics = Topics.create(SerdeConfig.embedded());
  final LogTarget target = LogTarget.of("rekor-v2", "https://example.com/log/testdata");

  static byte[] rootOf(int size) throws IOException {
    String[] lines = Files.readString(LOG.resolve("checkpoint." + size), StandardCharsets.UTF_8).split("\n");
    return java.util.Base64.getDecoder().decode(lines[2]);
  }

  /** Leaf hashes read straight from the fixture's level-0 tile at {@code size}. */
  static List<byte[]> tileHashes(int size) throws IOException {
    byte[] t = Files.readAllBytes(LOG.resolve("tile/0/000.p/" + size));
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < t.length; i += 32) out.add(Arrays.copyOfRange(t, i, i + 32));
    return out;
  }

  @Test
  void publishesCheckpointsWithTileComputedConsistencyProofs() throws Exception {
    FixtureLog log = new FixtureLog(5);
    RekorV2Source source = new RekorV2Source(target, log, topics, Clock.systemUTC());
    Poll first = source.poll(Map.of());
    assertThat(first.end()).isEqualTo(5);
    Checkpoint c5 = first.checkpoints().get(0);
    assertThat(c5.getLogId()).isEqualTo(ORIGIN);
    assertThat(c5.getOrigin()).isEqualTo(ORIGIN);
    assertThat(c5.getLogType()).isEqualTo(LogType.REKOR_V2);
    assertThat(c5.getTreeSize()).isEqualTo(5);
    assertThat(bytes(c5.getRootHash())).isEqualTo(rootOf(5));
    assertThat(bytes(c5.getRawNote())).isEqualTo(Files.readAllBytes(LOG.resolve("checkpoint.5")));
    assertThat(c5.getProofFromSize()).isNull();
    assertThat(c5.getTimestampMillis()).isNull();
    assertThat(source.owns(c5)).isTrue();

    Map<String, Checkpoint> published = new HashMap<>(Map.of(ORIGIN, c5));
    assertThat(source.poll(published).checkpoints()).as("unchanged checkpoint").isEmpty();

    // The same tree head with another cosignature on it (a witness's) is published again, without a proof.
    String cosignature = "\u2014 witness.example " + java.util.Base64.getEncoder().encodeToString(new byte[68]) + "\n";
    log.checkpointMutation = b -> (new String(b, StandardCharsets.UTF_8) + cosignature).getBytes(StandardCharsets.UTF_8);
    Checkpoint cosigned = source.poll(published).checkpoints().get(0);
    assertThat(cosigned.getTreeSize()).isEqualTo(5);
    assertThat(bytes(cosigned.getRootHash())).isEqualTo(rootOf(5));
    assertThat(new String(bytes(cosigned.getRawNote()), StandardCharsets.UTF_8)).endsWith(cosignature);
    assertThat(cosigned.getProofFromSize()).isNull();
    published.put(ORIGIN, cosigned);
    assertThat(source.poll(published).checkpoints()).as("unchanged cosigned checkpoint").isEmpty();
    log.checkpointMutation = UnaryOperator.identity();

    log.size = 13;
    Checkpoint c13 = source.poll(published).checkpoints().get(0);
    assertThat(c13.getProofFromSize()).isEqualTo(5);
    assertThat(bytes(c13.getProofFromRoot())).isEqualTo(rootOf(5));
    List<byte[]> proof = c13.getConsistencyProof().stream().map(RekorV2SourceTest::bytes).toList();
    MerkleVerifier.verifyConsistency(5, 13, proof, rootOf(5), rootOf(13));
    List<byte[]> flipped = new ArrayList<>(proof);
    byte[] bad = flipped.get(0).clone();
    bad[0] ^= 1;
    flipped.set(0, bad);
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(5, 13, flipped, rootOf(5), rootOf(13)))
        .as("the proof is not vacuous").isInstanceOf(Exception.class);
  }

  @Test
  void entriesFromPartialBundlesNeverRefetchPublishedIndexes() throws Exception {
    FixtureLog log = new FixtureLog(7);
    RekorV2Source source = new RekorV2Source(target, log, topics, Clock.systemUTC());
    source.poll(Map.of());
    assertThat(source.batchEnd(0, 7)).isEqualTo(7);
    List<Fetched> a = source.fetch(0, 7);
    log.size = 15;
    source.poll(Map.of());
    log.requests.clear();
    List<Fetched> b = source.fetch(7, 15);
    assertThat(log.requests).contains("tile/entries/000.p/15", "tile/0/000.p/15").doesNotContain("tile/entries/000.p/7");

    List<Fetched> all = new ArrayList<>(a);
    all.addAll(b);
    List<byte[]> want = tileHashes(15);
    assertThat(all).extracting(Fetched::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
    for (Fetched f : all) {
      RekorEntry e = (RekorEntry) ((Fetched.Entry) f).value();
      assertThat(((Fetched.Entry) f).key()).isEqualTo(ORIGIN);
      assertThat(e.getLogId()).isEqualTo(ORIGIN);
      assertThat(e.getLeafIndex()).isEqualTo(f.index());
      assertThat(e.getLogIndex()).isEqualTo(f.index());
      assertThat(e.getUuid()).isNull();
      assertThat(e.getIntegratedTime()).isNull();
      assertThat(e.getRaw()).isNull();
      assertThat(Rfc6962.leafHash(bytes(e.getBody()))).as("leaf %d", f.index()).isEqualTo(want.get((int) f.index()));
    }
    assertThat(source.entryKeys()).containsExactly(ORIGIN);
  }

  @Test
  void aTamperedEntryIsPublishedAsServedWithANoteAfterOneRefetch() throws Exception {
    FixtureLog log = new FixtureLog(10);
    RekorV2Source source = new RekorV2Source(target, log, topics, Clock.systemUTC());
    source.poll(Map.of());
    log.bundleMutation = b -> {
      byte[] c = b.clone();
      c[c.length - 1] ^= 0x20; // last byte of entry 9, same length
      return c;
    };
    List<Fetched> got = source.fetch(4, 10);
    assertThat(log.requests.stream().filter(p -> p.equals("tile/entries/000.p/10")).count()).isEqualTo(2);
    assertThat(got.subList(0, 5)).allSatisfy(f -> assertThat(f).isInstanceOf(Fetched.Entry.class));
    Fetched.Mismatched r = (Fetched.Mismatched) got.get(5);
    assertThat(r.index()).isEqualTo(9);
    RekorEntry served = (RekorEntry) r.value();
    assertThat(served.getLeafIndex()).isEqualTo(9);
    assertThat(Rfc6962.leafHash(bytes(served.getBody()))).as("the served bytes, for the audit to prove the tamper")
        .isNotEqualTo(tileHashes(10).get(9));
    assertThat(r.note().getLogId()).isEqualTo(ORIGIN);
    assertThat(r.note().getLogIndex()).isEqualTo(9);
    assertThat(r.note().getSource()).isEqualTo("ingest:" + ORIGIN);
    assertThat(r.note().getReason()).startsWith("index 9: served entry hashes to "
            + java.util.HexFormat.of().formatHex(Rfc6962.leafHash(bytes(served.getBody()))))
        .contains("but the tree has leaf hash " + java.util.HexFormat.of().formatHex(tileHashes(10).get(9)))
        .endsWith("(tile/entries/000.p/10); published as served");
  }

  @Test
  void aHashTileThatDoesNotHashToTheCheckpointIsNotTrusted() throws Exception {
    FixtureLog log = new FixtureLog(10);
    RekorV2Source source = new RekorV2Source(target, log, topics, Clock.systemUTC());
    source.poll(Map.of());
    log.tileMutation = t -> {
      byte[] c = t.clone();
      c[5 * 32] ^= 1; // leaf hash 5
      return c;
    };
    // Not fetched again as such: the poller polls first (the log may have replaced its tree: a fork).
    assertThatThrownBy(() -> source.fetch(0, 10)).isInstanceOf(dev.sigwatch.ingest.TreeNotServedException.class)
        .hasMessageStartingWith("tile/0/000.p/10 does not hash to the root " + java.util.HexFormat.of().formatHex(rootOf(10))
            + " of the checkpoint at size 10");
  }

  @Test
  void aTruncatedBundleIsFetchedAgainNotPublished() throws Exception {
    FixtureLog log = new FixtureLog(10);
    RekorV2Source source = new RekorV2Source(target, log, topics, Clock.systemUTC());
    source.poll(Map.of());
    log.bundleMutation = b -> Arrays.copyOf(b, b.length - 2);
    assertThatThrownBy(() -> source.fetch(0, 10)).isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("tile/entries/000.p/10: ");
  }

  @Test
  void aCheckpointThatIsNotANoteIsMalformed() {
    RekorV2Source source = new RekorV2Source(target, path -> "not a note".getBytes(StandardCharsets.UTF_8), topics,
        Clock.systemUTC());
    assertThatThrownBy(() -> source.poll(Map.of())).isInstanceOf(MalformedResponseException.class)
        .hasMessageStartingWith("checkpoint: ");
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  @Test
  void everyCheckpointOfTheFixtureLogCarriesTheFrontierOfItsTiles() throws Exception {
    for (int size = 1; size <= 15; size++) { // tessera's test log: checkpoint.1 .. checkpoint.15 and their tiles
      FixtureLog log = new FixtureLog(size);
      Checkpoint c = new RekorV2Source(target, log, topics, Clock.systemUTC()).poll(Map.of()).checkpoints().get(0);
      List<byte[]> frontier = c.getFrontier().stream().map(RekorV2SourceTest::bytes).toList();
      assertThat(frontier).as("size %d", size).hasSize(Long.bitCount(size));
      assertThat(dev.sigwatch.core.merkle.CompactRange.fromFrontier(size, frontier).root()).as("size %d", size)
          .isEqualTo(rootOf(size));
    }
  }

  @Test
  void aFrontierFromATileThatDoesNotHashToTheCheckpointIsNotAttached() throws Exception {
    for (int k = 0; k < 13; k++) { // every leaf hash of the level-0 tile of the 13-entry tree, one at a time
      int victim = k;
      FixtureLog log = new FixtureLog(13);
      log.tileMutation = t -> {
        byte[] c = t.clone();
        c[victim * 32 + victim % 32] ^= 1;
        return c;
      };
      List<Checkpoint> got = new RekorV2Source(target, log, topics, Clock.systemUTC()).poll(Map.of()).checkpoints();
      assertThat(got).as("the checkpoint is published all the same").hasSize(1);
      assertThat(got.get(0).getFrontier()).as("leaf %d mutated", victim).isEmpty();
    }
  }
}
