package dev.sigwatch.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /livez} and {@code /readyz} over a real HTTP server, driven through every state a stage can be in. */
class HealthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Health health = new Health();
  private final AtomicReference<State> streams = new AtomicReference<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean alive = new AtomicBoolean(true);
  private final AtomicBoolean ok = new AtomicBoolean(true);
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    health.register("verify", StageChecks.streams("verify", streams::get, stopping::get));
    health.register("store", StageChecks.service("store", alive::get, ok::get, () -> alive.get() ? "fine" : "died"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", new HealthHandler(health));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readyOnlyWhenEveryCheckIsUpAndLiveUnlessOneIsDown() throws Exception {
    // Not started yet: alive, not ready.
    assertThat(code("/livez")).isEqualTo(200);
    assertThat(code("/readyz")).isEqualTo(503);
    assertThat(body("/readyz").path("status").asText()).isEqualTo("not ready");

    streams.set(State.RUNNING);
    assertThat(code("/readyz")).isEqualTo(200);
    JsonNode ready = body("/readyz");
    assertThat(ready.path("checks").findValuesAsText("name")).containsExactly("verify", "store");
    assertThat(ready.path("checks").get(0).path("detail").asText()).isEqualTo("RUNNING");

    // A rebalance: out of rotation, but no restart.
    streams.set(State.REBALANCING);
    assertThat(code("/readyz")).isEqualTo(503);
    assertThat(code("/livez")).isEqualTo(200);

    // A consumer backing off: not ready; dead: not live either.
    streams.set(State.RUNNING);
    ok.set(false);
    assertThat(code("/readyz")).isEqualTo(503);
    assertThat(code("/livez")).isEqualTo(200);
    alive.set(false);
    assertThat(code("/livez")).isEqualTo(503);
    JsonNode down = body("/livez");
    assertThat(down.path("status").asText()).isEqualTo("down");
    assertThat(down.path("checks").get(1).path("status").asText()).isEqualTo("DOWN");
    assertThat(down.path("checks").get(1).path("detail").asText()).isEqualTo("died");
  }

  @Test
  void aStreamsAppThatStoppedByItselfIsDownButOneAskedToStopIsNot() throws Exception {
    for (State s : new State[] {State.ERROR, State.PENDING_ERROR, State.NOT_RUNNING, State.PENDING_SHUTDOWN}) {
      streams.set(s);
      assertThat(code("/livez")).as(s.name()).isEqualTo(503);
    }
    stopping.set(true);
    for (State s : new State[] {State.NOT_RUNNING, State.PENDING_SHUTDOWN}) {
      streams.set(s);
      assertThat(code("/livez")).as(s.name() + " on request").isEqualTo(200);
      assertThat(code("/readyz")).as(s.name() + " on request").isEqualTo(503);
    }
    streams.set(State.ERROR);
    assertThat(code("/livez")).isEqualTo(503);
  }

  @Test
  void aCheckThatThrowsIsDownAndOtherPathsAreNotFound() throws Exception {
    streams.set(State.RUNNING);
    health.register("broken", () -> {
      throw new IllegalStateException("boom");
    });
    assertThat(code("/livez")).isEqualTo(503);
    assertThat(body("/livez").path("checks").get(2).path("detail").asText()).contains("boom");
    assertThat(code("/metricz")).isEqualTo(404);
    assertThat(http.send(HttpRequest.newBuilder(uri("/readyz")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(405);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private int code(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private JsonNode body(String path) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }
}
