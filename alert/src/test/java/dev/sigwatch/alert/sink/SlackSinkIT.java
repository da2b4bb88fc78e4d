package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Slack sink against a local HTTP server standing in for an incoming webhook: a readable Block Kit message with
 * severity, type, identity, log, index, the link to the web page and the idempotency key; the webhook URL (the
 * credential) never reaches the log, even when the server fails.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SlackSinkIT {
  @Test
  void postsReadableMessages(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("slack");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 4);
    List<JsonNode> posted = Collections.synchronizedList(new ArrayList<>());
    int[] calls = {0};
    String secretPath = "/services/T0SIGWATCH/B0TEST/xoxbSECRETslackPATH";
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      boolean fail = calls[0]++ == 0 || !ex.getRequestURI().getPath().equals(secretPath);
      if (!fail) posted.add(SinkFixtures.YAML.readTree(body));
      byte[] answer = (fail ? "invalid_token" : "ok").getBytes();
      ex.sendResponseHeaders(fail ? 403 : 200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + secretPath;
    try (LogCapture logs = new LogCapture()) {
      SinkSpec slack = SinkFixtures.sink(("name: %s\ntype: slack\nurl: %s\nallowAddresses: [loopback]\nbackoff: PT0.1S\n"
          + "requestsPerSecond: 20\n").formatted(run, url));
      try (SinkService s = new SinkService(List.of(slack), broker.consumerConfig("unused"), topics,
          SinkMetrics.unregistered(), Clock.systemUTC()).start()) {
        SinkFixtures.produce(broker, topics, alerts, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> posted.size() >= alerts.size());
      } finally {
        server.stop(0);
      }
      assertThat(logs.all()).contains("HTTP 403").doesNotContain("xoxbSECRETslackPATH").doesNotContain(url);
    }
    Alert a = alerts.get(1); // IDENTITY_MATCH, LOW
    JsonNode msg = posted.stream().filter(p -> p.toString().contains(a.getAlertId())).findFirst().orElseThrow();
    assertThat(msg.path("text").asText()).isEqualTo("LOW IDENTITY_MATCH: " + a.getSummary());
    String all = msg.path("blocks").toString();
    assertThat(msg.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo(":information_source: *LOW IDENTITY_MATCH*\n" + a.getSummary());
    assertThat(all).contains("*Identity*\\n" + a.getIdentity()).contains("*Log*\\nlog-a").contains("*Index*\\n1")
        .contains("<https://sigwatch.example.org/alerts/" + a.getAlertId() + "|View alert in sigwatch>")
        .contains("id `" + a.getAlertId() + "`");
    Alert fork = alerts.get(3); // FORK, HIGH, summary with | = \ and a newline: Slack escapes only & < >
    JsonNode f = posted.stream().filter(p -> p.toString().contains(fork.getAlertId())).findFirst().orElseThrow();
    assertThat(f.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo(":rotating_light: *HIGH FORK*\n" + fork.getSummary());
  }
}
