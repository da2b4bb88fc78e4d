package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hook sinks running a real shell script: the alert as JSON on stdin and the SIGWATCH_* variables; a script that
 * fails once is retried; a script that hangs past its timeout is killed and retried.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HookSinkIT {
  @TempDir Path tmp;

  @Test
  void runsTheScriptPerAlertWithEnvironmentAndStdin(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("hook");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 6);
    LogEvent resolved = SinkFixtures.update(alerts.get(3), "INCIDENT_RESOLVED", 2);
    Path out = Files.createDirectory(tmp.resolve("out"));
    Path script = script("on-alert.sh", """
        #!/bin/sh
        if [ ! -e "$OUT/failed-once" ]; then touch "$OUT/failed-once"; echo "first run fails"; exit 3; fi
        { env | grep '^SIGWATCH_' | sort; echo "STDIN:"; cat; } > "$OUT/$SIGWATCH_IDEMPOTENCY_KEY.tmp"
        mv "$OUT/$SIGWATCH_IDEMPOTENCY_KEY.tmp" "$OUT/$SIGWATCH_IDEMPOTENCY_KEY.out"
        """);
    Path slow = script("slow.sh", "#!/bin/sh\nsleep 30\n");
    SinkMetrics metrics = SinkMetrics.unregistered();
    try (LogCapture logs = new LogCapture()) {
      List<SinkSpec> sinks = List.of(
          SinkFixtures.sink("name: %s-script\ntype: hook\ncommand: [%s]\nenv: {OUT: %s}\nbackoff: PT0.1S\n"
              .formatted(run, script, out)),
          SinkFixtures.sink("name: %s-slow\ntype: hook\ncommand: [%s]\ntimeout: PT0.3S\nbackoff: PT0.1S\ntypes: [FORK]\n"
              .formatted(run, slow)));
      try (SinkService s = new SinkService(sinks, broker.consumerConfig("unused"), topics, metrics,
          Clock.systemUTC()).start()) {
        SinkFixtures.produce(broker, topics, alerts, List.of(resolved));
        await().atMost(Duration.ofSeconds(60)).until(() -> count(out) == alerts.size() + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.failed(sinks.get(1).name()) >= 2);
      }
      assertThat(metrics.failed(sinks.get(0).name())).isEqualTo(1);
      assertThat(logs.all()).contains("hook " + script + " exited with status 3")
          .contains("hook " + slow + " ran longer than PT0.3S and was killed");
    }
    for (Alert a : alerts) {
      Map<String, String> env = new HashMap<>();
      String text = Files.readString(out.resolve(a.getAlertId() + ".out"));
      String[] parts = text.split("STDIN:\n", 2);
      parts[0].lines().forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
      assertThat(env).containsEntry("SIGWATCH_EVENT", "alert.created")
          .containsEntry("SIGWATCH_ALERT_ID", a.getAlertId())
          .containsEntry("SIGWATCH_IDEMPOTENCY_KEY", a.getAlertId())
          .containsEntry("SIGWATCH_ALERT_TYPE", a.getType())
          .containsEntry("SIGWATCH_SEVERITY", a.getSeverity().name())
          .containsEntry("SIGWATCH_LOG", a.getLogId())
          .containsEntry("SIGWATCH_INDEX", Long.toString(a.getLogIndex()))
          .containsEntry("SIGWATCH_IDENTITY", a.getIdentity() == null ? "" : a.getIdentity())
          .containsEntry("SIGWATCH_CERT_SHA256", a.getIdentity() == null ? "" : "ab".repeat(32))
          .containsEntry("SIGWATCH_WEB_URL", "https://sigwatch.example.org/alerts/" + a.getAlertId());
      JsonNode stdin = SinkFixtures.YAML.readTree(parts[1]);
      assertThat(stdin.path("alert").path("alertId").asText()).isEqualTo(a.getAlertId());
      assertThat(stdin.path("alert").path("summary").asText()).isEqualTo(a.getSummary());
    }
    String upd = Files.readString(out.resolve(resolved.getEventId() + ".out"));
    assertThat(upd).contains("SIGWATCH_EVENT=alert.resolved").contains("SIGWATCH_ALERT_ID=" + alerts.get(3).getAlertId());
  }

  private Path script(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private static long count(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".out")).count();
    }
  }
}
