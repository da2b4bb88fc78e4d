package dev.sigwatch.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sigwatch run} from the packaged jar against a local log simulator, scraped over HTTP: the verify and match
 * Streams clients and the alert counter appear on {@code /metrics} with values that follow what the test did, and
 * {@code /readyz} / {@code /livez} answer for every stage.
 */
class StageMetricsIT {
  private static final Pattern BROKER_UP = Pattern.compile("embedded Kafka broker up at (\\S+) ");
  private static final Duration START = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private Process process;
  private final List<String> err = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void verifyAndMatchStreamsMetricsAndAlertCountersAreScraped() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).entriesPerSecond(5).initialEntries(30).build()
        .start()) {
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      int port = freePort();
      Path config = Files.writeString(dir.resolve("run.yaml"), String.join("\n",
          "dataDir: " + dir.resolve("data"),
          "trustedRoot: " + trustedRoot,
          "logs:",
          "  - type: rekor-v1",
          "    url: " + sim.rekorV1Url(),
          "ingest:",
          "  startAt: \"0\"",
          "metrics:",
          "  port: " + port,
          "api:",
          "  port: 0",
          ""));
      launch(config);
      String bootstrap = awaitBroker();
      awaitErr("is running");

      // Both stages reach RUNNING; verify processes the ingested entries and holds tasks.
      Map<String, String> verify = Map.of("stage", "verify");
      Map<String, String> match = Map.of("stage", "match");
      AtomicReference<Exposition> last = new AtomicReference<>();
      await().atMost(START).pollInterval(Duration.ofMillis(500)).alias("both stages RUNNING, verify processed records")
          .until(() -> {
            Exposition e = Exposition.scrape(port);
            last.set(e);
            return e.value("sigwatch_streams_running", verify) == 1.0
                && e.value("sigwatch_streams_running", match) == 1.0
                && sum(e, "sigwatch_streams_processed_records_total", verify) >= 30;
          });
      Exposition e = last.get();

      // Health for orchestrators on the same port: ready once every stage is, naming each check.
      await().atMost(START).pollInterval(Duration.ofMillis(500)).alias("/readyz answers 200")
          .until(() -> get(port, "/readyz").statusCode() == 200);
      JsonNode ready = JSON.readTree(get(port, "/readyz").body());
      assertThat(ready.path("status").asText()).isEqualTo("ready");
      assertThat(ready.path("checks").findValuesAsText("name"))
          .containsExactlyInAnyOrder("kafka", "store", "verify", "match", "ingest");
      assertThat(ready.path("checks").findValuesAsText("status")).containsOnly("UP");
      assertThat(get(port, "/livez").statusCode()).isEqualTo(200);
      assertThat(get(port, "/nothing-here").statusCode()).isEqualTo(404);

      // Per-log verification progress from the store: the audit reaches the initial entries, behind the head.
      await().atMost(START).pollInterval(Duration.ofMillis(500)).alias("sigwatch_log_audited_size >= 30")
          .until(() -> Exposition.scrape(port).find("sigwatch_log_audited_size", Map.of()).stream()
              .anyMatch(x -> x.value() >= 30));
      Exposition progress = Exposition.scrape(port);
      Exposition.Sample audited = progress.find("sigwatch_log_audited_size", Map.of()).get(0);
      String logId = audited.labels().get("log");
      assertThat(progress.value("sigwatch_log_size", Map.of("log", logId))).isGreaterThanOrEqualTo(audited.value());
      assertThat(progress.value("sigwatch_log_open_incidents", Map.of("log", logId))).isEqualTo(0.0);
      assertThat(e.value("sigwatch_streams_state", Map.of("stage", "verify", "state", "RUNNING"))).isEqualTo(1.0);
      assertThat(e.value("sigwatch_streams_state", Map.of("stage", "verify", "state", "ERROR"))).isEqualTo(0.0);
      assertThat(e.value("sigwatch_streams_alive_threads", verify)).isEqualTo(1.0);
      assertThat(e.value("sigwatch_streams_alive_threads", match)).isEqualTo(1.0);
      assertThat(e.value("sigwatch_streams_failed_threads_total", verify)).isEqualTo(0.0);
      assertThat(e.find("sigwatch_streams_process_rate", verify)).isNotEmpty()
          .allSatisfy(s -> assertThat(s.labels()).containsKey("thread"));
      assertThat(sum(e, "sigwatch_streams_commits_total", verify)).isPositive();
      assertThat(e.find("sigwatch_streams_commit_latency_avg_seconds", verify)).isNotEmpty();
      assertThat(sum(e, "sigwatch_streams_tasks", verify)).isPositive();
      assertThat(sum(e, "sigwatch_streams_tasks", match)).isPositive();
      assertThat(e.find("sigwatch_streams_records_lag_max", match)).isNotEmpty()
          .allSatisfy(s -> assertThat(s.labels().get("client")).isNotBlank());

      // Alerts put on the topic are counted by type and severity, once each.
      Topics topics = Topics.create(SerdeConfig.embedded());
      // The embedded broker's generated SASL credentials (client.properties in its data directory).
      Map<String, Object> client = new HashMap<>(EmbeddedKafkaBroker.clientSettings(dir.resolve("data/kafka"))
          .orElseThrow());
      assertThat(client).containsEntry("bootstrap.servers", bootstrap);
      try (var producer = new KafkaProducer<>(client,
          topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer())) {
        for (String id : List.of("probe-1", "probe-2")) {
          producer.send(new ProducerRecord<>(topics.alerts().name(), id, alert(id, "METRICS_PROBE", Severity.HIGH)))
              .get();
        }
        producer.send(new ProducerRecord<>(topics.alerts().name(), "probe-3", alert("probe-3", "METRICS_PROBE",
            Severity.LOW))).get();
      }
      Map<String, String> high = Map.of("type", "METRICS_PROBE", "severity", "HIGH");
      Map<String, String> low = Map.of("type", "METRICS_PROBE", "severity", "LOW");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).alias("alert counters")
          .until(() -> Exposition.scrape(port).value("sigwatch_alerts_total", low) == 1.0);
      Exposition after = Exposition.scrape(port);
      assertThat(after.value("sigwatch_alerts_total", high)).isEqualTo(2.0);
      assertThat(after.value("sigwatch_alerts_total", low)).isEqualTo(1.0);
      // Counters only grow between scrapes.
      assertThat(sum(after, "sigwatch_streams_processed_records_total", verify))
          .isGreaterThanOrEqualTo(sum(e, "sigwatch_streams_processed_records_total", verify));
    }
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Alert alert(String id, String type, Severity severity) {
    return Alert.newBuilder().setAlertId(id).setType(type).setSeverity(severity).setSummary("metrics probe")
        .setLogId("log").setLogIndex(1L).setCreatedAtMillis(1_700_000_000_000L).build();
  }

  private static double sum(Exposition e, String name, Map<String, String> labels) {
    return e.find(name, labels).stream().mapToDouble(Exposition.Sample::value).sum();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void launch(Path config) throws IOException {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-jar", jar.toString(), "run", "--config", config.toString()).start();
    pump(process.getInputStream(), new CopyOnWriteArrayList<>());
    pump(process.getErrorStream(), err);
  }

  private String awaitBroker() {
    awaitErr("embedded Kafka broker up at");
    for (String l : err) {
      Matcher m = BROKER_UP.matcher(l);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no broker address in stderr:\n" + String.join("\n", err));
  }

  private void awaitErr(String text) {
    try {
      await().atMost(START).until(() -> err.stream().anyMatch(l -> l.contains(text)) || !process.isAlive());
    } finally {
      assertThat(err).as("stderr contains '%s'; stderr:%n%s", text, String.join("\n", err))
          .anySatisfy(l -> assertThat(l).contains(text));
    }
  }

  private static void pump(InputStream in, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
  }
}
