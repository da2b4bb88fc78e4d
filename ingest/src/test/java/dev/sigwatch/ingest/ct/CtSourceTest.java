package dev.sigwatch.ingest.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.ingest.http.RateLimiter;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.faults.Fault;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link CtSource} against the simulator's RFC 6962 endpoints (a real local HTTP server). One simulator for the class:
 * the log only grows, and each test works on sizes relative to what it finds (the tree stays below 50 entries; incidents end before the test does).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CtSourceTest {
  static final Topics TOPICS = Topics.create(SerdeConfig.embedded());
  private SigstoreSimulator sim;
  private CtSource source;

  @BeforeAll
  void start() {
    sim = SigstoreSimulator.builder().ctMaxEntries(3).build().start();
  }

  /** A source remembers the chain of tree heads it published: each test starts with a new one. */
  @org.junit.jupiter.api.BeforeEach
  void newSource() {
    source = source(sim.ctUrl(), 10);
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  static LogHttp http(String name) {
    Sleeper none = d -> { };
    return new LogHttp(name, HttpClient.newHttpClient(), new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)),
        new RateLimiter(Double.POSITIVE_INFINITY, 1, System::nanoTime, none), none, Duration.ofSeconds(5), 1 << 20,
        LogHttp.Listener.NONE);
  }

  static CtSource source(String url, int batch) {
    LogTarget t = LogTarget.of("ct", url);
    return new CtSource(t, new HttpCtClient(t, http(t.withoutScheme())), TOPICS, Clock.systemUTC(), batch);
  }

  private void growCt(int n) {
    for (int i = 0; i < n; i++) sim.grow(1); // each grow logs one certificate to the CT log
  }

  @Test
  void pollPublishesEachNewSthAsServedWithAConsistencyProofFromTheLastOne() throws Exception {
    growCt(5);
    String logId = sim.ctUrl().substring("http://".length());
    Poll first = source.poll(Map.of());
    assertThat(first.end()).isEqualTo(sim.ct().sth().size());
    Checkpoint c1 = first.checkpoints().get(0);
    assertThat(c1.getLogId()).isEqualTo(logId);
    assertThat(c1.getOrigin()).isEqualTo(logId);
    assertThat(c1.getLogType()).isEqualTo(LogType.CT);
    assertThat(c1.getTreeSize()).isEqualTo(sim.ct().sth().size());
    assertThat(bytes(c1.getRootHash())).isEqualTo(sim.ct().sth().root());
    assertThat(c1.getTimestampMillis()).isEqualTo(sim.ct().sth().timestamp());
    assertThat(c1.getProofFromSize()).isNull();
    String raw = new String(bytes(c1.getRawNote()), StandardCharsets.UTF_8);
    assertThat(raw).startsWith("{\"tree_size\":" + c1.getTreeSize() + ",").contains("\"tree_head_signature\":\"");

    Map<String, Checkpoint> last = new HashMap<>(Map.of(logId, c1));
    assertThat(source.poll(last).checkpoints()).as("same STH again").isEmpty();

    growCt(4);
    Checkpoint c2 = source.poll(last).checkpoints().get(0);
    assertThat(c2.getTreeSize()).isEqualTo(c1.getTreeSize() + 4);
    assertThat(c2.getProofFromSize()).isEqualTo(c1.getTreeSize());
    assertThat(c2.getProofFromRoot()).isEqualTo(c1.getRootHash());
    MerkleVerifier.verifyConsistency(c2.getProofFromSize(), c2.getTreeSize(),
        c2.getConsistencyProof().stream().map(CtSourceTest::bytes).toList(), bytes(c1.getRootHash()),
        bytes(c2.getRootHash()));
  }

  @Test
  void aRollbackCarriesTheProofToTheLargerHeadAndASplitViewNone() throws Exception {
    growCt(3);
    String logId = source.name();
    Checkpoint c = source.poll(Map.of()).checkpoints().get(0);
    try {
      sim.trigger(Incident.ROLLBACK, dev.sigwatch.simulator.LogTarget.CT);
      Poll rolledBack = source.poll(Map.of(logId, c));
      Checkpoint rb = rolledBack.checkpoints().get(0);
      assertThat(rb.getTreeSize()).isEqualTo(c.getTreeSize() - 1);
      assertThat(rolledBack.end()).isEqualTo(c.getTreeSize() - 1);
      // the proof from the smaller size to the head published before: verify tells a rollback from a second tree
      assertThat(rb.getProofFromSize()).isEqualTo(c.getTreeSize());
      assertThat(rb.getProofFromRoot()).isEqualTo(c.getRootHash());
      MerkleVerifier.verifyConsistency(rb.getTreeSize(), c.getTreeSize(),
          rb.getConsistencyProof().stream().map(CtSourceTest::bytes).toList(), bytes(rb.getRootHash()),
          bytes(c.getRootHash()));

      growCt(1);
      source = source(sim.ctUrl(), 10); // started afresh: the honest head is the first it publishes
      Checkpoint honest = source.poll(Map.of()).checkpoints().get(0);
      sim.trigger(Incident.SPLIT_VIEW, dev.sigwatch.simulator.LogTarget.CT);
      List<Checkpoint> seen = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) seen.addAll(source.poll(Map.of(logId, honest)).checkpoints()); // alternate reads
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).getTreeSize()).isEqualTo(honest.getTreeSize());
      assertThat(seen.get(0).getRootHash()).isNotEqualTo(honest.getRootHash());
      assertThat(seen.get(0).getProofFromSize()).isNull();
    } finally {
      growCt(1); // publishing ends the incidents for the other tests
    }
  }

  @Test
  void fetchLoopsWhileTheLogServesFewerThanAskedAndMatchesTheServedBytes() throws Exception {
    growCt(12);
    assertThat(source.batchEnd(2, 100)).isEqualTo(12);
    assertThat(source.batchEnd(2, 7)).isEqualTo(7);
    LogTarget t = LogTarget.of("ct", sim.ctUrl());
    assertThat(new HttpCtClient(t, http("direct")).entries(2, 11)).as("the log caps get-entries").hasSize(3);
    List<Fetched> got = source.fetch(2, 12); // the log serves 3 at a time: 4 requests
    assertThat(got).extracting(Fetched::index).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    for (Fetched f : got) {
      CtEntry e = (CtEntry) ((Fetched.Entry) f).value();
      assertThat(((Fetched.Entry) f).key()).isEqualTo(source.name());
      assertThat(e.getIndex()).isEqualTo(f.index());
      assertThat(bytes(e.getLeafInput())).isEqualTo(sim.ct().entry(f.index()).leafInput());
      assertThat(bytes(e.getExtraData())).isEqualTo(sim.ct().entry(f.index()).extraData());
      assertThat(dev.sigwatch.core.merkle.Rfc6962.leafHash(bytes(e.getLeafInput())))
          .isEqualTo(sim.ct().tree().leafHash(f.index()));
    }
  }

  @Test
  void fetchSurvivesTransportFaultsWithoutSkippingOrDuplicating() throws Exception {
    growCt(9);
    sim.inject(Fault.next(1, Fault.Kind.RATE_LIMIT, "/ct/v1/get-entries").withRetryAfter(0));
    sim.inject(Fault.next(1, Fault.Kind.TRUNCATE, "/ct/v1/get-entries"));
    sim.inject(Fault.next(1, Fault.Kind.RESET, "/ct/v1/get-entries"));
    assertThat(source.fetch(0, 9)).extracting(Fetched::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void getEntriesBeyondTheTreeIsAnError() {
    assertThatThrownBy(() -> source.fetch(50, 60)).isInstanceOf(dev.sigwatch.ingest.http.HttpStatusException.class)
        .hasMessageContaining("HTTP 400");
  }

  @Test
  void rejectsANonCtTarget() {
    LogTarget t = LogTarget.of("rekor-v1", "https://rekor.example");
    assertThatThrownBy(() -> new CtSource(t, null, TOPICS, Clock.systemUTC()))
        .hasMessage("want a ct log, got " + t);
  }

  @Test
  void sthParserSaysWhatIsWrong() {
    assertThatThrownBy(() -> CtSth.parse("{\"tree_size\":-1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage("get-sth: tree_size must be a non-negative integer, but was: -1");
    assertThatThrownBy(() -> CtSth.parse(("{\"tree_size\":1,\"timestamp\":2,\"sha256_root_hash\":\""
        + Base64.getEncoder().encodeToString(new byte[31]) + "\",\"tree_head_signature\":\"BAMAAA==\"}")
        .getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("31");
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
