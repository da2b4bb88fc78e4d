package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.alert.sink.WebhookReceiver.Fault;
import dev.sigwatch.alert.sink.WebhookReceiver.Received;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook sink against a real HTTP receiver that verifies Standard Webhooks signatures, on a real broker: faults
 * (500, 429 with Retry-After, a closed connection, a timeout) until the sink is suspended, a HEALTH alert, the
 * resumption; another sink (its own consumer group) is not held back meanwhile; updates reach the webhook as updates
 * of their alert; secrets never reach the log.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WebhookSinkIT {
  static final String OLD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String NEW_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(
      "a brand new 32-byte secret key!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  @TempDir Path tmp;

  @Test
  void deliversThroughFaultsSuspendsAndResumes(KafkaTestBroker broker) throws Exception {
    String run = KafkaTestBroker.uniqueName("wh");
    Topics topics = SinkFixtures.topics(broker, run + ".");
    List<Alert> alerts = SinkFixtures.alerts(run, 30);
    Alert fork = alerts.get(24); // FORK, CRITICAL (24 % 5 = 4)
    List<LogEvent> updates = List.of(SinkFixtures.update(fork, "INCIDENT_CONTINUES", 2),
        SinkFixtures.update(fork, "INCIDENT_RESOLVED", 3),
        SinkFixtures.update(alerts.get(1), "INCIDENT_RESOLVED", 1)); // alert 1 is LOW: not for the webhook
    Set<String> high = alerts.stream().filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0)
        .map(Alert::getAlertId).collect(Collectors.toSet());
    Path lines = tmp.resolve("all.jsonl");
    SinkMetrics metrics = SinkMetrics.unregistered();
    Alert health;
    try (LogCapture logs = new LogCapture();
        WebhookReceiver oldOnly = new WebhookReceiver(OLD_SECRET)) {
      // The receiver knows only the old secret: the sink signs with both while rotating.
      oldOnly.hangMillis(2000);
      oldOnly.retryAfterSeconds(1);
      oldOnly.queue(Fault.STATUS_500, Fault.TOO_MANY_REQUESTS, Fault.CLOSE_CONNECTION, Fault.HANG);
      SinkSpec webhook = SinkFixtures.sink("""
          name: %s-hook
          type: webhook
          url: %s
          secrets: [%s, %s]
          minSeverity: HIGH
          batchSize: 3
          allowAddresses: [loopback]
          timeout: PT0.5S
          backoff: PT0.05S
          maxBackoff: PT0.2S
          suspendAfter: 4
          resumeAfter: PT1.5S
          """.formatted(run, oldOnly.url(), NEW_SECRET, OLD_SECRET));
      SinkSpec file = SinkFixtures.sink("name: %s-file\ntype: jsonlines\nfile: %s\n".formatted(run, lines));
      oldOnly.down(false);
      try (SinkService service = new SinkService(List.of(webhook, file), broker.consumerConfig("unused"), topics,
          metrics, Clock.systemUTC())) {
        SinkFixtures.produce(broker, topics, alerts, updates);
        service.start();

        // The webhook fails 4 times in a row and is suspended ...
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.isSuspended(webhook.name()));
        // ... while the other sink, in its own consumer group, has everything.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(lines) && Files.readAllLines(lines).size() >= 33);
        assertThat(ids(Files.readAllLines(lines))).containsAll(alerts.stream().map(Alert::getAlertId).toList());

        // The suspension is a HEALTH alert on the alerts topic, with an id derived from the stuck message.
        health = awaitHealth(broker, topics, webhook.name());
        assertThat(health.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(health.getSummary()).contains(webhook.name()).contains("suspended after 4");

        // It resumes by itself and delivers everything of severity HIGH and above, and the two updates of the fork.
        await().atMost(Duration.ofSeconds(60)).until(() -> !metrics.isSuspended(webhook.name())
            && keys(oldOnly.received()).containsAll(high));
        await().atMost(Duration.ofSeconds(30)).until(() -> oldOnly.received().stream()
            .filter(r -> r.type().equals("alert.resolved")).count() >= 1);
      }
      List<Received> got = oldOnly.received();
      assertThat(oldOnly.rejected()).as("signature failures").isEmpty();
      // Every alert of the filter, none other (the HEALTH alert is HIGH too: it reaches the webhook after resuming).
      Set<String> alertKeys = got.stream().filter(r -> r.type().equals("alert.created"))
          .map(Received::idempotencyKey).collect(Collectors.toSet());
      assertThat(alertKeys).containsAll(high);
      assertThat(alertKeys).allMatch(k -> high.contains(k) || k.equals(health.getAlertId()));
      assertThat(health.getAlertId()).isEqualTo(SinkHealth.id(SinkHealth.HEALTH, "sink:" + webhook.name(), "suspended",
          health.getEvidence().get("stuckIdempotencyKey")));
      assertThat(high).contains(health.getEvidence().get("stuckIdempotencyKey"));
      // A repeat only ever has the same key, and an item's alertId is its key for alerts.
      got.stream().filter(r -> r.type().equals("alert.created"))
          .forEach(r -> assertThat(r.alertId()).isEqualTo(r.idempotencyKey()));
      // Updates of the fork arrive as updates naming it, with the alert they update; the LOW alert's does not.
      List<Received> upd = got.stream().filter(r -> !r.type().equals("alert.created")).toList();
      assertThat(upd).extracting(Received::type).containsOnly("alert.continues", "alert.resolved");
      assertThat(upd).extracting(Received::alertId).containsOnly(fork.getAlertId());
      assertThat(upd).allMatch(r -> r.item().path("alert").path("severity").asText().equals("CRITICAL"));
      assertThat(upd).extracting(Received::idempotencyKey)
          .containsOnly(updates.get(0).getEventId(), updates.get(1).getEventId());
      // Batches of at most 3.
      Map<String, Long> perRequest = got.stream().collect(Collectors.groupingBy(Received::webhookId,
          Collectors.counting()));
      assertThat(perRequest.values()).allMatch(n -> n <= 3);
      // The 429's Retry-After (1 s) was honoured: no request within 900 ms after it (requests 2 and 3).
      List<Long> times = oldOnly.requestTimes();
      assertThat(times.get(2) - times.get(1)).isGreaterThanOrEqualTo(900);
      assertThat(metrics.failed(webhook.name())).isGreaterThanOrEqualTo(4);
      assertThat(metrics.suspensions(webhook.name())).isEqualTo(1);
      assertThat(metrics.delivered(webhook.name())).isGreaterThanOrEqualTo(high.size() + 2);
      String log = logs.all();
      assertThat(log).contains("suspended after 4").contains("resumed");
      for (String secret : List.of(OLD_SECRET, NEW_SECRET, OLD_SECRET.substring(6), NEW_SECRET.substring(6))) {
        assertThat(log).doesNotContain(secret);
      }
    }
  }

  private static Set<String> keys(List<Received> got) {
    return got.stream().map(Received::idempotencyKey).collect(Collectors.toSet());
  }

  private static Set<String> ids(List<String> jsonLines) throws Exception {
    Set<String> out = new HashSet<>();
    for (String l : jsonLines) {
      var n = SinkFixtures.YAML.readTree(l);
      out.add(n.has("alertId") ? n.get("alertId").asText() : "");
    }
    return out;
  }

  private static Alert awaitHealth(KafkaTestBroker broker, Topics topics, String sink) {
    try (KafkaConsumer<String, Alert> c = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("h")),
        topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer())) {
      c.subscribe(List.of(topics.alerts().name()));
      Alert[] found = new Alert[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, Alert> r : c.poll(Duration.ofMillis(200))) {
          if (r.value().getType().equals(SinkHealth.HEALTH) && r.value().getSummary().contains(sink)) found[0] = r.value();
        }
        return found[0] != null;
      });
      return found[0];
    }
  }
}
