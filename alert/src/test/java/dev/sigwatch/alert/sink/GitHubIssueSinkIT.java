package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.alert.sink.FakeGitHub.Issue;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GitHub issue sink against a local server speaking GitHub's REST API: one issue per FORK alert, a comment per
 * INCIDENT_CONTINUES, a comment and closing on INCIDENT_RESOLVED; then a replay of the whole topic by another consumer
 * group (as after a restart that lost its offsets) opens no second issue and posts no second comment.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GitHubIssueSinkIT {
  static final String TOKEN = "ghp_" + "sigwatchTestToken0123456789abcdef";

  @Test
  void oneIssuePerAlertCommentsClosesAndSurvivesAReplay(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("gh");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 10); // FORKs: 0, 3, 6, 9
    Alert three = alerts.get(3);
    Alert six = alerts.get(6);
    List<LogEvent> updates = List.of(SinkFixtures.update(three, "INCIDENT_CONTINUES", 2),
        SinkFixtures.update(six, "INCIDENT_CONTINUES", 2), SinkFixtures.update(three, "INCIDENT_RESOLVED", 3));
    try (LogCapture logs = new LogCapture(); FakeGitHub gh = new FakeGitHub("acme/security", TOKEN)) {
      String yaml = """
          name: %s
          type: github
          repo: acme/security
          token: %s
          apiUrl: %s
          labels: [transparency-log]
          types: [FORK]
          allowAddresses: [loopback]
          requestsPerSecond: 0
          """;
      SinkFixtures.produce(broker, topics, alerts, updates);
      try (SinkService s = new SinkService(List.of(SinkFixtures.sink(yaml.formatted(run + "-a", TOKEN, gh.apiUrl()))),
          broker.consumerConfig("unused"), topics, SinkMetrics.unregistered(), Clock.systemUTC()).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> gh.issues().size() == 4
            && gh.issues().stream().anyMatch(i -> i.state.equals("closed"))
            && commentsOf(gh, six).size() == 1);
      }
      assertState(gh, alerts, three, six);
      // A replay from the start in a new consumer group: everything is found again, nothing is added.
      SinkMetrics replay = SinkMetrics.unregistered();
      String name = run + "-replay";
      try (SinkService s = new SinkService(List.of(SinkFixtures.sink(yaml.formatted(name, TOKEN, gh.apiUrl()))),
          broker.consumerConfig("unused"), topics, replay, Clock.systemUTC()).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> replay.delivered(name) >= 4 + 3);
      }
      assertState(gh, alerts, three, six);
      assertThat(gh.unauthorized()).isZero();
      assertThat(logs.all()).contains("4 issue(s) labelled 'sigwatch' already belong to alerts")
          .doesNotContain(TOKEN);
    }
  }

  private static void assertState(FakeGitHub gh, List<Alert> alerts, Alert three, Alert six) {
    Map<String, Issue> byAlert = gh.issues().stream().collect(Collectors.toMap(GitHubIssueSinkIT::alertIdOf, i -> i));
    assertThat(byAlert.keySet()).containsExactlyInAnyOrderElementsOf(
        alerts.stream().filter(a -> a.getType().equals("FORK")).map(Alert::getAlertId).toList());
    for (Issue i : gh.issues()) {
      assertThat(i.labels).containsExactly("sigwatch", "transparency-log");
      assertThat(i.title).startsWith("[sigwatch] ").contains("FORK");
      assertThat(i.body).contains("https://sigwatch.example.org/alerts/" + alertIdOf(i));
    }
    assertThat(commentsOf(gh, three)).hasSize(2);
    assertThat(commentsOf(gh, three).get(0)).startsWith("**Continues.**");
    assertThat(commentsOf(gh, three).get(1)).startsWith("**Resolved.**").contains("quiet for PT10M");
    assertThat(byAlert.get(three.getAlertId()).state).isEqualTo("closed");
    assertThat(commentsOf(gh, six)).hasSize(1);
    assertThat(byAlert.get(six.getAlertId()).state).isEqualTo("open");
    assertThat(gh.issues().stream().filter(i -> i.state.equals("open"))).hasSize(3);
  }

  private static List<String> commentsOf(FakeGitHub gh, Alert a) {
    return gh.issues().stream().filter(i -> alertIdOf(i).equals(a.getAlertId())).findFirst()
        .map(i -> List.copyOf(i.comments)).orElse(List.of());
  }

  private static String alertIdOf(Issue i) {
    var m = java.util.regex.Pattern.compile("<!-- sigwatch:alert-id=([0-9a-f]+) -->").matcher(i.body);
    return m.find() ? m.group(1) : "";
  }
}
