package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.alert.sink.SyslogReceiver.Message;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syslog sinks over UDP, TCP and TLS on a real broker, each against a receiver that parses RFC 5424 and CEF on its
 * own: every alert arrives once per transport with the fields a SIEM reads, escaping survives the round trip, and an
 * update arrives as an update of its alert.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SyslogSinkIT {
  @TempDir Path tmp;

  @Test
  void udpTcpAndTlsWithCefAndJson(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("syslog");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 12);
    Alert fork = alerts.get(3);
    LogEvent resolved = SinkFixtures.update(fork, "INCIDENT_RESOLVED", 4);
    TestTls tls = new TestTls();
    Path ca = tls.writePem(tmp.resolve("ca.pem"));
    try (SyslogReceiver udp = SyslogReceiver.udp(); SyslogReceiver tcp = SyslogReceiver.tcp();
        SyslogReceiver tlsRx = SyslogReceiver.tls(tls.server)) {
      List<SinkSpec> sinks = List.of(
          SinkFixtures.sink("name: %s-udp\ntype: syslog\nprotocol: udp\nhost: 127.0.0.1\nport: %d\nhostname: mon1\n"
              .formatted(run, udp.port())),
          SinkFixtures.sink("name: %s-tcp\ntype: syslog\nprotocol: tcp\nhost: 127.0.0.1\nport: %d\nfacility: authpriv\n"
              .formatted(run, tcp.port())),
          SinkFixtures.sink("name: %s-tls\ntype: syslog\nprotocol: tls\nhost: 127.0.0.1\nport: %d\nformat: json\ncaFile: %s\n"
              .formatted(run, tlsRx.port(), ca)));
      try (SinkService service = new SinkService(sinks, broker.consumerConfig("unused"), topics,
          SinkMetrics.unregistered(), Clock.systemUTC())) {
        SinkFixtures.produce(broker, topics, alerts, List.of(resolved));
        service.start();
        for (SyslogReceiver r : List.of(udp, tcp, tlsRx)) {
          await().atMost(Duration.ofSeconds(60)).until(() -> r.messages().size() >= alerts.size() + 1);
        }
      }
      assertThat(udp.unparsed()).isEmpty();
      assertThat(tcp.unparsed()).isEmpty();
      assertThat(tlsRx.unparsed()).isEmpty();

      for (SyslogReceiver r : List.of(udp, tcp)) {
        Map<String, Message> byKey = r.messages().stream().collect(Collectors.toMap(m -> m.sd().get("key"),
            Function.identity(), (a, b) -> a));
        for (Alert a : alerts) {
          Message m = byKey.get(a.getAlertId());
          assertThat(m).as("alert %s", a.getAlertId()).isNotNull();
          int facility = r == udp ? 16 : 10;
          assertThat(m.pri()).isEqualTo(facility * 8 + switch (a.getSeverity()) {
            case CRITICAL -> 2; case HIGH -> 3; case MEDIUM -> 4; case LOW -> 5; case INFO -> 6; });
          assertThat(m.msgId()).isEqualTo(a.getType());
          assertThat(m.appName()).isEqualTo("sigwatch");
          assertThat(m.sd()).containsEntry("alertId", a.getAlertId()).containsEntry("event", "alert.created");
          SyslogReceiver.Cef cef = m.cef();
          assertThat(cef.header().subList(0, 3)).containsExactly("0", "sigwatch", "sigwatch");
          assertThat(cef.header().get(4)).isEqualTo(a.getType());
          assertThat(cef.header().get(5)).isEqualTo(a.getSummary().replace('\n', ' '));
          assertThat(cef.ext()).containsEntry("msg", a.getSummary()).containsEntry("externalId", a.getAlertId())
              .containsEntry("cs1", a.getLogId()).containsEntry("cs6", a.getAlertId())
              .containsEntry("rt", Long.toString(a.getCreatedAtMillis()));
          if (a.getIdentity() != null) assertThat(cef.ext()).containsEntry("cs2", a.getIdentity());
        }
        Message upd = byKey.get(resolved.getEventId());
        assertThat(upd.sd()).containsEntry("alertId", fork.getAlertId()).containsEntry("event", "alert.resolved");
        assertThat(upd.cef().header().get(4)).isEqualTo("FORK:resolved");
      }
      assertThat(udp.messages()).allMatch(m -> m.hostname().equals("mon1"));

      Map<String, JsonNode> json = tlsRx.messages().stream().collect(Collectors.toMap(m -> m.sd().get("key"),
          m -> read(m.msg()), (a, b) -> a));
      for (Alert a : alerts) {
        JsonNode n = json.get(a.getAlertId());
        assertThat(n.path("alert").path("summary").asText()).isEqualTo(a.getSummary());
        assertThat(n.path("alert").path("evidence").path("body").asText())
            .isEqualTo(a.getEvidence().get("body").length() > 256
                ? "x".repeat(256) + "…[" + a.getEvidence().get("body").length() + " chars]" : a.getEvidence().get("body"));
      }
      assertThat(json.get(resolved.getEventId()).path("update").path("detail").path("alertId").asText())
          .isEqualTo(fork.getAlertId());
    }
  }

  private static JsonNode read(String s) {
    try {
      return SinkFixtures.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
