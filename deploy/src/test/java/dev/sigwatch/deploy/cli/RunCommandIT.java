package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.alert.api.ApiToken;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sigwatch run} as a user runs it: the packaged jar in its own JVM, stopped with SIGTERM.
 */
class RunCommandIT {
  private static final Pattern BROKER_UP = Pattern.compile("embedded Kafka broker up at (\\S+) ");
  private static final Pattern API_UP = Pattern.compile("API and web page at (http://\\S+/) ");
  private static final Duration START = Duration.ofSeconds(180); // a fresh JVM formats and starts a SASL broker: slow under load

  @TempDir
  Path dir;
  private Launched current;

  @AfterEach
  void killLeftovers() {
    if (current != null) {
      current.process.destroyForcibly();
    }
  }

  @Test
  void startsTheEmbeddedBrokerCreatesEveryTopicPrintsAlertsAndStopsCleanlyOnSigterm() throws Exception {
    String token = ApiToken.generate();
    Path config = Files.writeString(dir.resolve("x.yaml"), "dataDir: " + dir.resolve("data") + "\nmetrics:\n  port: 0\n"
        + "api:\n  port: 0\n  tokens:\n    - {name: it, scope: read, sha256: " + ApiToken.hash(token) + "}\n");
    Topics topics = Topics.create(SerdeConfig.embedded());

    current = launch(config);
    String bootstrap = current.awaitBroker();
    current.awaitErr("sigwatch is running");
    String api = current.err.stream().map(API_UP::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
        .orElseThrow(() -> new AssertionError("no API line on stderr:\n" + String.join("\n", current.err)));
    // The embedded broker authenticates its clients: the credentials it generated are the owner's alone.
    Path credentials = dir.resolve("data/kafka/client.properties");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
    Map<String, Object> client = clientSettings(credentials);
    assertThat(client).containsEntry("bootstrap.servers", bootstrap)
        .containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "default.api.timeout.ms", "3000",
        "request.timeout.ms", "3000"))) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .as("a client without the credentials is refused").hasCauseInstanceOf(TimeoutException.class);
    }
    try (Admin admin = Admin.create(client)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .containsAll(topics.all().stream().map(t -> t.name()).toList());
    }
    // 'sigwatch watchlist' finds the running broker through the data directory and authenticates with its file.
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();
    CommandLine watchlist = new CommandLine(new WatchlistCommand()).setOut(new PrintWriter(cliOut, true))
        .setErr(new PrintWriter(cliErr, true));
    assertThat(watchlist.execute("--config", config.toString(), "add", "--type", "SUBJECT", "--value", "^run-it@"))
        .as(cliErr.toString()).isZero();
    String ruleId = cliOut.toString().trim();
    assertThat(watchlist.execute("--config", config.toString(), "list")).as(cliErr.toString()).isZero();
    assertThat(cliOut.toString()).contains(ruleId + "\tSUBJECT\t^run-it@");
    Alert alert = Alert.newBuilder().setAlertId("a-1").setType("IDENTITY_MATCH").setSeverity(Severity.HIGH)
        .setSummary("ops@acme.com signed an artifact").setLogId("log").setLogIndex(42L).setCreatedAtMillis(1_700_000_000_000L)
        .build();
    try (var producer = new KafkaProducer<>(client,
        topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.alerts().name(), alert.getAlertId(), alert)).get();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> current.out.stream().anyMatch(l -> l.contains("\"alertId\":\"a-1\"")));
    assertThat(current.out).anySatisfy(l -> assertThat(l)
        .contains("\"type\":\"IDENTITY_MATCH\"").contains("\"severity\":\"HIGH\"").contains("\"logIndex\":42"));
    // The same alert, stored, served by the HTTP API of the same process.
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create(api + "api/v1/alerts/a-1"))
        .header("Authorization", "Bearer " + token).build();
    await().atMost(Duration.ofSeconds(60))
        .until(() -> http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body())
        .contains("\"summary\":\"ops@acme.com signed an artifact\"").contains("\"state\":\"OPEN\"");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "api/v1/alerts")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

    current.sigterm();
    assertThat(current.process.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
    assertThat(current.process.exitValue()).isIn(0, 143);
    current.awaitErr("sigwatch: stopped");
    assertThat(Files.exists(dir.resolve("data/kafka/logs/.lock"))).as("no leftover lock").isFalse();

    // A second start reuses the data: same address, topics already there, the old alert not printed again.
    current = launch(config);
    assertThat(current.awaitBroker()).isEqualTo(bootstrap);
    assertThat(clientSettings(credentials)).as("credentials generated once, reused").isEqualTo(client);
    current.awaitErr("0 created, " + topics.all().size() + " already present");
    current.awaitErr("sigwatch is running");
    current.sigterm();
    assertThat(current.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(current.out).noneSatisfy(l -> assertThat(l).contains("a-1"));
  }

  @Test
  void badConfigurationFailsAtStartupNamingTheKey() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "kafka:\n  bootstrapServer: x:9092\n");
    current = launch(config);
    assertThat(current.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(current.process.exitValue()).isEqualTo(2);
    current.awaitErr("unknown key 'kafka.bootstrapServer'");
  }

  /** The settings an external client uses, as the README says: the broker's client.properties. */
  private static Map<String, Object> clientSettings(Path file) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    Map<String, Object> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, v));
    return m;
  }

  private static Launched launch(Path config) throws IOException {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: a short-lived JVM on a loaded machine spends less CPU compiling and collecting.
    Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), "run",
        "--config", config.toString()).start();
    return new Launched(p);
  }

  private static final class Launched {
    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();

    Launched(Process process) {
      this.process = process;
      pump(process.getInputStream(), out);
      pump(process.getErrorStream(), err);
    }

    /**
     * SIGTERM, as a service manager sends it. Not {@link Process#destroy()}: it also closes our ends of the child's
     * pipes, and we want to read what the child logs while it shuts down.
     */
    void sigterm() throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
    }

    String awaitBroker() {
      await().atMost(START).until(() -> err.stream().anyMatch(l -> BROKER_UP.matcher(l).find()));
      for (String l : err) {
        Matcher m = BROKER_UP.matcher(l);
        if (m.find()) {
          return m.group(1);
        }
      }
      throw new AssertionError("unreachable");
    }

    void awaitErr(String text) {
      try {
        awaitErrUnchecked(text);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("stderr never contained '" + text + "'; alive=" + process.isAlive()
            + (process.isAlive() ? "" : " exit=" + process.exitValue()) + "; stderr:\n" + String.join("\n", err), e);
      }
    }

    void awaitErrUnchecked(String text) {
      await().atMost(START).alias("stderr contains '" + text + "'")
          .until(() -> err.stream().anyMatch(l -> l.contains(text)));
    }

    private static void pump(java.io.InputStream in, List<String> lines) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // process ended
        }
      });
      t.setDaemon(true);
      t.start();
    }
  }
}
