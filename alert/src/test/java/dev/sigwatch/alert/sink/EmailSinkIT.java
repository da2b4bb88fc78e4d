package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * E-mail sinks against a real SMTP server (GreenMail): implicit TLS with authentication, one mail per alert whose
 * Message-ID is the idempotency key and updates threaded under their alert; a digest over plain SMTP; and STARTTLS
 * required against a server that does not offer it — nothing is sent in clear text, the sink retries.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EmailSinkIT {
  static final String PASSWORD = "pw-" + "Zq8#sigwatch-smtp";

  @RegisterExtension
  static final GreenMailExtension MAIL = new GreenMailExtension(patient(
      ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()))
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("sigwatch@example.org", "sigwatch", PASSWORD));

  @Test
  void perAlertOverTlsDigestOverSmtpAndNoDowngrade(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("mail");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 10);
    Alert fork = alerts.get(9); // FORK, CRITICAL
    LogEvent continues = SinkFixtures.update(fork, "INCIDENT_CONTINUES", 2);
    Set<Alert> medium = alerts.stream().filter(a -> a.getSeverity().compareTo(Severity.MEDIUM) >= 0)
        .collect(Collectors.toSet());
    SinkMetrics metrics = SinkMetrics.unregistered();
    int smtps = MAIL.getSmtps().getPort();
    int smtp = MAIL.getSmtp().getPort();
    try (LogCapture logs = new LogCapture()) {
      List<SinkSpec> sinks = List.of(
          SinkFixtures.sink("""
              name: %s-tls
              type: email
              host: 127.0.0.1
              port: %d
              security: tls
              sslTrust: [127.0.0.1]
              username: sigwatch
              password: %s
              from: sigwatch@example.org
              to: [oncall@example.org]
              minSeverity: MEDIUM
              """.formatted(run, smtps, PASSWORD)),
          SinkFixtures.sink("""
              name: %s-digest
              type: email
              host: 127.0.0.1
              port: %d
              security: none
              username: sigwatch
              password: %s
              from: sigwatch@example.org
              to: [digest@example.org, audit@example.org]
              digest: PT3S
              """.formatted(run, smtp, PASSWORD)),
          SinkFixtures.sink("""
              name: %s-starttls
              type: email
              host: 127.0.0.1
              port: %d
              security: starttls
              from: sigwatch@example.org
              to: [never@example.org]
              backoff: PT0.2S
              maxBackoff: PT0.5S
              suspendAfter: 1000
              """.formatted(run, smtp)));
      try (SinkService service = new SinkService(sinks, broker.consumerConfig("unused"), topics, metrics,
          Clock.systemUTC())) {
        SinkFixtures.produce(broker, topics, alerts, List.of(continues));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> to("oncall@example.org").size() >= medium.size() + 1
            && digested(to("digest@example.org")).containsAll(ids(alerts)));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.failed(sinks.get(2).name()) >= 2);
      }
      List<MimeMessage> oncall = to("oncall@example.org");
      Map<String, MimeMessage> byId = oncall.stream().collect(Collectors.toMap(EmailSinkIT::messageId, m -> m,
          (a, b) -> a));
      for (Alert a : medium) {
        MimeMessage m = byId.get("<" + a.getAlertId() + "@sigwatch>");
        assertThat(m).as("mail of %s", a.getAlertId()).isNotNull();
        assertThat(m.getSubject()).isEqualTo("[sigwatch] " + a.getSeverity() + " " + a.getType() + " "
            + a.getSummary().replace('\n', ' '));
        assertThat(m.getHeader("X-Sigwatch-Idempotency-Key")[0]).isEqualTo(a.getAlertId());
        assertThat(body(m)).contains("Alert id: " + a.getAlertId())
            .contains("Web page: https://sigwatch.example.org/alerts/" + a.getAlertId());
      }
      assertThat(oncall).extracting(EmailSinkIT::messageId).allMatch(id -> byId.containsKey(id));
      MimeMessage upd = byId.get("<" + continues.getEventId() + "@sigwatch>");
      assertThat(upd.getHeader("In-Reply-To")[0]).isEqualTo("<" + fork.getAlertId() + "@sigwatch>");
      assertThat(upd.getSubject()).startsWith("[sigwatch] CRITICAL FORK continues: FORK incident continues (2 observations)");
      // No LOW/INFO alert went to the MEDIUM sink.
      assertThat(oncall).hasSize(byId.size());
      assertThat(byId.keySet()).hasSize(medium.size() + 1);
      // The digest reached both recipients, each digest listing alerts with their ids.
      assertThat(digested(to("audit@example.org"))).containsAll(ids(alerts));
      assertThat(to("digest@example.org")).allMatch(m -> subject(m).startsWith("[sigwatch] digest: worst "));
      // STARTTLS was required and not offered: nothing was sent to that recipient.
      assertThat(to("never@example.org")).isEmpty();
      assertThat(logs.all()).contains(sinks.get(2).name() + ": delivery of").doesNotContain(PASSWORD);
    }
  }

  /** The machine is shared and slow: give the servers (SMTPS makes a key at start) 60 s to start. */
  private static ServerSetup[] patient(ServerSetup... setups) {
    for (ServerSetup s : setups) s.setServerStartupTimeout(60_000);
    return setups;
  }

  private static List<MimeMessage> to(String rcpt) {
    return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
      try {
        return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(rcpt));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private static Set<String> ids(List<Alert> alerts) {
    return alerts.stream().map(Alert::getAlertId).collect(Collectors.toSet());
  }

  private static Set<String> digested(List<MimeMessage> mails) {
    return mails.stream().flatMap(m -> body(m).lines()).filter(l -> l.startsWith("Alert id: "))
        .map(l -> l.substring("Alert id: ".length())).collect(Collectors.toSet());
  }

  private static String messageId(MimeMessage m) {
    try {
      return m.getMessageID();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String body(MimeMessage m) {
    try {
      return m.getContent().toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
