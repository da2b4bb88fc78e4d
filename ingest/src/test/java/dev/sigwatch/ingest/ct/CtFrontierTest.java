package dev.sigwatch.ingest.ct;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The frontier an RFC 6962 STH is published with: derived from the inclusion proof of the last leaf (all left
 * siblings: the frontier of {@code [0, N-1)}, plus that leaf), equal to the tree's own frontier for every size, from
 * {@code get-entry-and-proof} or, on a log without it, {@code get-entries} + {@code get-proof-by-hash}; and none at all
 * when what the log serves does not lead to its signed root (a tampered last leaf).
 */
class CtFrontierTest {

  static final Topics TOPICS = Topics.create(SerdeConfig.embedded());

  static List<byte[]> frontier(Checkpoint c) {
    return c.getFrontier().stream().map(CtSourceTest::bytes).toList();
  }

  @Test
  void everySthCarriesItsTreesFrontierFromTheLastLeafsProof() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      CtSource source = CtSourceTest.source(sim.ctUrl(), 10);
      for (int i = 0; i < 9; i++) { // every shape of frontier from the sizes the simulator starts with on
        sim.grow(1);
        long size = sim.ct().sth().size();
        Checkpoint c = source.poll(Map.of()).checkpoints().get(0);
        assertThat(c.getTreeSize()).isEqualTo(size);
        assertThat(frontier(c)).as("size %d", size).hasSize(Long.bitCount(size))
            .usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(sim.ct().tree().frontier(size));
        assertThat(CompactRange.fromFrontier(size, frontier(c)).root()).isEqualTo(sim.ct().sth().root());
      }
    }
  }

  @Test
  void aLogWithoutGetEntryAndProofIsAskedForTheProofByHash() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      for (int i = 0; i < 6; i++) sim.grow(1);
      List<String> asked = new CopyOnWriteArrayList<>();
      HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      HttpClient client = HttpClient.newHttpClient();
      proxy.createContext("/", ex -> {
        String path = ex.getRequestURI().toString();
        asked.add(ex.getRequestURI().getPath());
        byte[] body;
        int status;
        if (path.contains("get-entry-and-proof")) {
          status = 404;
          body = "404 page not found".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
          try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            status = r.statusCode();
            body = r.body();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 500;
            body = new byte[0];
          }
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      });
      proxy.start();
      try {
        String url = "http://127.0.0.1:" + proxy.getAddress().getPort() + URI.create(sim.ctUrl()).getPath();
        Checkpoint c = CtSourceTest.source(url, 10).poll(Map.of()).checkpoints().get(0);
        assertThat(frontier(c)).usingElementComparator(java.util.Arrays::compare)
            .containsExactlyElementsOf(sim.ct().tree().frontier(sim.ct().sth().size()));
        assertThat(asked).anyMatch(p -> p.endsWith("get-entry-and-proof")).anyMatch(p -> p.endsWith("get-proof-by-hash"));
      } finally {
        proxy.stop(0);
      }
    }
  }

  @Test
  void aTamperedLastLeafGivesNoFrontierButTheSthIsPublished() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      for (int i = 0; i < 5; i++) sim.grow(1);
      sim.ct().tamperNewest();
      CtSource source = CtSourceTest.source(sim.ctUrl(), 10);
      Checkpoint c = source.poll(Map.of()).checkpoints().get(0);
      assertThat(c.getTreeSize()).isEqualTo(sim.ct().sth().size());
      assertThat(c.getFrontier()).isEmpty();
      sim.grow(1); // the next head's last leaf is honest again
      Checkpoint next = source.poll(Map.of(c.getLogId(), c)).checkpoints().get(0);
      assertThat(frontier(next)).usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(sim.ct().tree().frontier(next.getTreeSize()));
    }
  }

  @Test
  void leafProofChecksItsArguments() {
    LogTarget t = LogTarget.of("ct", "http://127.0.0.1:9/ct");
    HttpCtClient client = new HttpCtClient(t, CtSourceTest.http("x"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.leafProof(5, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 0 <= index < treeSize");
  }
}
