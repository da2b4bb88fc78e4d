package dev.sigwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.simulator.faults.Fault;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RekorV2AndFaultsSimulatorTest {
  static SigstoreSimulator sim;
  static final SimHttp http = new SimHttp();

  @BeforeAll
  static void start() {
    sim = SigstoreSimulator.builder().build().start();
    sim.pregenerate(300); // one full level-0 tile and a partial one
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @AfterEach
  void clear() {
    sim.clearFaults();
  }

  private static NoteVerifier v2Verifier() throws Exception {
    TrustedRoot root = TrustedRoot.parse(new String(sim.trustedRoot(), StandardCharsets.UTF_8));
    LogKey k = root.tlogs().stream().filter(t -> t.baseUrl().equals(sim.rekorV2Url())).findFirst().orElseThrow();
    assertThat(k.logId()).isEqualTo(sim.rekorV2().logId());
    List<NoteKey> keys = new java.util.ArrayList<>(LogNoteKeys.forNote(root, SignedNote.parse(checkpoint())));
    assertThat(keys).hasSize(1);
    keys.add(NoteKey.parseVkey(sim.rekorV2().witnessVkey()));
    return new NoteVerifier(keys);
  }

  private static String checkpoint() throws Exception {
    return new String(http.get(sim.rekorV2Url() + "/api/v2/checkpoint").body(), StandardCharsets.UTF_8);
  }

  @Test
  void tilesRecomputeTheWitnessedCheckpointRoot() throws Exception {
    VerifiedCheckpoint cp = v2Verifier().verifyCheckpoint(checkpoint());
    assertThat(cp.result().verifiedOfType(NoteKeyType.COSIGNATURE_V1)).hasSize(1);
    long size = cp.checkpoint().size();
    assertThat(size).isGreaterThan(256).isLessThan(512);
    int partial = (int) (size - 256);
    MerkleTree tree = new MerkleTree();
    for (String suffix : List.of("000", "001.p/" + partial)) {
      byte[] hashes = http.get(sim.rekorV2Url() + "/api/v2/tile/0/" + suffix).body();
      ByteBuffer bundle = ByteBuffer.wrap(http.get(sim.rekorV2Url() + "/api/v2/tile/entries/" + suffix).body());
      for (int i = 0; i < hashes.length / 32; i++) {
        byte[] body = new byte[bundle.getShort() & 0xffff];
        bundle.get(body);
        assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\"");
        byte[] h = Arrays.copyOfRange(hashes, i * 32, i * 32 + 32);
        assertThat(Rfc6962.leafHash(body)).isEqualTo(h);
        tree.append(h);
      }
      assertThat(bundle.hasRemaining()).isFalse();
    }
    assertThat(tree.root(size)).isEqualTo(cp.checkpoint().rootHash());
    byte[] level1 = http.get(sim.rekorV2Url() + "/api/v2/tile/1/000.p/1").body();
    assertThat(level1).isEqualTo(tree.node(8, 0));
    assertThat(http.get(sim.rekorV2Url() + "/api/v2/tile/0/002").statusCode()).isEqualTo(404);
  }

  @Test
  void witnessIncidentsAreObservable() throws Exception {
    try (SigstoreSimulator s = SigstoreSimulator.builder().build().start()) {
      s.grow(3);
      String url = s.rekorV2Url() + "/api/v2/checkpoint";
      NoteVerifier witness = new NoteVerifier(List.of(NoteKey.parseVkey(s.rekorV2().witnessVkey())));
      witness.verifyCheckpoint(new String(http.get(url).body(), StandardCharsets.UTF_8));
      s.trigger(Incident.WITNESS_INVALID);
      String invalid = new String(http.get(url).body(), StandardCharsets.UTF_8);
      assertThatThrownBy(() -> witness.verifyCheckpoint(invalid)).hasMessageContaining("bad signature");
      s.trigger(Incident.WITNESS_MISSING);
      String missing = new String(http.get(url).body(), StandardCharsets.UTF_8);
      assertThatThrownBy(() -> witness.verifyCheckpoint(missing)).isInstanceOf(NoteVerificationException.class)
          .hasMessageContaining("no signature from a trusted key");
    }
  }

  @Test
  void rateLimitAndErrorBurstsThenRecovery() throws Exception {
    sim.inject(Fault.next(1, Fault.Kind.RATE_LIMIT, "/rekor/").withRetryAfter(7));
    sim.inject(Fault.next(2, Fault.Kind.UNAVAILABLE, "/rekor/"));
    String url = sim.rekorV1Url() + "/api/v1/log";
    HttpResponse<byte[]> r = http.get(url);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(http.get(url).statusCode()).isEqualTo(503);
    assertThat(http.get(url).statusCode()).isEqualTo(503);
    assertThat(http.get(url).statusCode()).isEqualTo(200);
    assertThat(http.get(sim.ctUrl() + "/ct/v1/get-sth").statusCode()).isEqualTo(200);
  }

  @Test
  void globalServerErrorsWithProbabilityOne() throws Exception {
    sim.inject(Fault.withProbability(1.0, Fault.Kind.SERVER_ERROR, ""));
    assertThat(http.get(sim.ctUrl() + "/ct/v1/get-sth").statusCode()).isEqualTo(500);
    assertThat(http.get(sim.rekorV2Url() + "/api/v2/checkpoint").statusCode()).isEqualTo(500);
  }

  @Test
  void truncatedBodyAndResetFailTheClient() throws Exception {
    sim.inject(Fault.next(1, Fault.Kind.TRUNCATE, "/rekor/"));
    assertThatThrownBy(() -> http.get(sim.rekorV1Url() + "/api/v1/log")).isInstanceOf(IOException.class);
    // the JDK client retries an idempotent GET once after a dropped connection, so drop every request
    sim.inject(Fault.withProbability(1.0, Fault.Kind.RESET, "/rekor/"));
    assertThatThrownBy(() -> http.get(sim.rekorV1Url() + "/api/v1/log")).isInstanceOf(IOException.class);
    sim.clearFaults();
    assertThat(http.get(sim.rekorV1Url() + "/api/v1/log").statusCode()).isEqualTo(200);
  }

  @Test
  void slowResponsesAreDelayed() throws Exception {
    sim.inject(Fault.next(1, Fault.Kind.SLOW, "/ct/").withDelay(Duration.ofMillis(300)));
    long t0 = System.nanoTime();
    assertThat(http.get(sim.ctUrl() + "/ct/v1/get-sth").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    long t1 = System.nanoTime();
    assertThat(http.get(sim.ctUrl() + "/ct/v1/get-sth").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(300)); // the fault was used up
  }
}
