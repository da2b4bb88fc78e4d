package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.ct.TileLeaf;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link StaticCtSource} against the simulator's static-ct log over real local HTTP, and mutations of what it serves. */
class StaticCtSourceTest {
  SigstoreSimulator sim;
  LogTarget target;
  String logId;
  final Topics topics = Topics.create(SerdeConfig.embedded());
  final HttpClient http = HttpClient.newHttpClient();
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile UnaryOperator<byte[]> dataMutation = UnaryOperator.identity();
  volatile Set<String> gone = Set.of();

  @BeforeEach
  void start() throws IOException {
    sim = SigstoreSimulator.builder().build().start();
    target = LogTarget.of("static-ct", sim.staticCtUrl());
    logId = target.withoutScheme();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  /** GETs below the log URL; a path in {@link #gone} is a 404 as a log that deleted its partial tiles answers. */
  final TileFetcher fetcher = path -> {
    requests.add(path);
    if (gone.contains(path)) throw new FileNotFoundException(path);
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(sim.staticCtUrl() + "/" + path)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404) throw new FileNotFoundException(path);
      if (r.statusCode() != 200) throw new IOException(path + ": HTTP " + r.statusCode());
      return path.startsWith("tile/data/") ? dataMutation.apply(r.body()) : r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  };

  void logCerts(int n) {
    for (int i = 0; i < n; i++) {
      sim.ca().issue(Identity.email("u" + i + "@example.com", Identity.GITHUB_ISSUER), Instant.now(),
          List.of(sim.staticCt()));
    }
    sim.staticCt().publish();
  }

  @Test
  void entriesRebuildTheMerkleLeafAndKeepTheTileLeafAsServed() throws Exception {
    logCerts(5);
    int size = (int) sim.staticCt().sth().size();
    StaticCtSource source = new StaticCtSource(target, fetcher, topics, Clock.systemUTC());
    Checkpoint c = source.poll(Map.of()).checkpoints().get(0);
    assertThat(c.getLogId()).isEqualTo(logId);
    assertThat(c.getLogType()).isEqualTo(LogType.STATIC_CT);
    assertThat(c.getTreeSize()).isEqualTo(size);
    assertThat(c.getTimestampMillis()).isEqualTo(sim.staticCt().sth().timestamp());
    List<Fetched> got = source.fetch(0, size);
    assertThat(got).hasSize(size);
    for (Fetched f : got) {
      assertThat(((Fetched.Entry) f).key()).isEqualTo(logId);
      CtEntry e = (CtEntry) ((Fetched.Entry) f).value();
      var want = sim.staticCt().entry(f.index());
      assertThat(e.getIndex()).isEqualTo(f.index());
      assertThat(bytes(e.getLeafInput())).isEqualTo(want.leafInput());
      assertThat(bytes(e.getTileLeaf())).isEqualTo(want.tileLeaf());
      TileLeaf leaf = TileLeaf.parseTile(want.tileLeaf()).get(0);
      byte[] rest = bytes(e.getExtraData());
      // the rest of the TileLeaf: uint24-prefixed pre-certificate, then the uint16-prefixed fingerprints
      assertThat(Arrays.copyOfRange(rest, 3, 3 + leaf.preCertificate().length)).isEqualTo(leaf.preCertificate());
      assertThat(rest.length).isEqualTo(3 + leaf.preCertificate().length + 2 + 32 * leaf.chainFingerprints().size());
    }
  }

  @Test
  void aTamperedTbsIsPublishedAsServedWithANoteAndAPrecertChangeIsNotTheTreesBusiness() throws Exception {
    logCerts(4);
    int size = (int) sim.staticCt().sth().size();
    StaticCtSource source = new StaticCtSource(target, fetcher, topics, Clock.systemUTC());
    source.poll(Map.of());
    int victim = size - 2;
    int at = 0;
    for (int i = 0; i < victim; i++) at += sim.staticCt().entry(i).tileLeaf().length;
    int offset = at + 8 + 2 + 32 + 3 + 20; // timestamp, entry type, issuer key hash, uint24 TBS length, into the TBS
    dataMutation = d -> {
      byte[] c = d.clone();
      c[offset] ^= 1;
      return c;
    };
    List<Fetched> got = source.fetch(0, size);
    for (Fetched f : got) {
      if (f.index() == victim) {
        Fetched.Mismatched r = (Fetched.Mismatched) f;
        assertThat(r.note().getReason()).startsWith("index " + victim + ": served entry hashes to ")
            .endsWith("published as served");
        assertThat(r.note().getLogIndex()).isEqualTo(victim);
        byte[] servedLeaf = sim.staticCt().entry(victim).tileLeaf().clone();
        servedLeaf[offset - at] ^= 1;
        assertThat(bytes(r.note().getValue())).isEqualTo(servedLeaf);
        assertThat(((dev.sigwatch.schemas.CtEntry) r.value()).getIndex()).isEqualTo(victim);
      } else {
        assertThat(f).isInstanceOf(Fetched.Entry.class);
      }
    }
  }

  @Test
  void aHeadReSignedAtTheSameTreeIsPublishedAgainAnUnchangedNoteIsNot() throws Exception {
    logCerts(3);
    StaticCtSource source = new StaticCtSource(target, fetcher, topics, Clock.systemUTC());
    Checkpoint first = source.poll(Map.of()).checkpoints().get(0);
    Map<String, Checkpoint> published = new java.util.HashMap<>(Map.of(logId, first));
    assertThat(source.poll(published).checkpoints()).as("the same note").isEmpty();
    // A bad signature, then another key, on the same tree: each a new note, each published (verify judges them).
    for (Runnable incident : List.<Runnable>of(() -> sim.staticCt().badSignature(), () -> sim.staticCt().unknownKey())) {
      incident.run();
      List<Checkpoint> got = source.poll(published).checkpoints();
      assertThat(got).hasSize(1);
      Checkpoint c = got.get(0);
      assertThat(c.getTreeSize()).isEqualTo(first.getTreeSize());
      assertThat(c.getRootHash()).isEqualTo(first.getRootHash());
      assertThat(c.getRawNote()).isNotEqualTo(published.get(logId).getRawNote());
      assertThat(c.getProofFromSize()).as("nothing to prove at the same size").isNull();
      assertThat(c.getFrontier()).as("an anchor for the audit").isEqualTo(first.getFrontier());
      published.put(logId, c);
      assertThat(source.poll(published).checkpoints()).as("served again unchanged").isEmpty();
    }
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
