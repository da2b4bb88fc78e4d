package dev.sigwatch.match.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigwatch.core.trust.CertificateAuthority;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.topology.SimEntries;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The match stage on the real embedded broker, fed with simulator certificates and entries. */
@ExtendWith(KafkaBrokerExtension.class)
class MatchServiceIT {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final SimCa FULCIO = new SimCa(T0.minus(Duration.ofDays(1)));
  static final SimCa LOOKALIKE = new SimCa(T0.minus(Duration.ofDays(1)));
  static final Identity ALICE = Identity.email("alice@example.com", "https://accounts.google.com");
  static final Identity RELEASE = Identity.githubWorkflow("acme/app", ".github/workflows/release.yml", "refs/heads/main");
  static final Identity BOB = Identity.email("bob@example.com", "https://accounts.google.com");

  @Test
  void simulatorEntriesMakeExactlyTheExpectedAlerts(KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(KafkaTestBroker.uniqueName("match-it") + ".");
    try (var admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, topics.all());
    }
    MonitoredValues mv = new ObjectMapper(new YAMLFactory()).readValue("""
        certIdentities:
          - certSubject: alice@example\\.com
          - certSubject: https://github\\.com/acme/app/\\.github/workflows/release\\.yml@.*
            issuers: [https://token\\.actions\\.githubusercontent\\.com]
        """, MonitoredValues.class);
    TrustedRoot root = new TrustedRoot(List.of(), List.of(), List.of(new CertificateAuthority(
        "https://fulcio.sim", "sigstore.dev/sigstore", FULCIO.chain(), FULCIO.notBefore(), null)), List.of());
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("match-it").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put("consumer.auto.offset.reset", "earliest");
    MatchSettings settings = new MatchSettings(root, mv, Duration.ofMinutes(10), KafkaTestBroker.uniqueName("match"));

    List<Alert> alerts = new CopyOnWriteArrayList<>();
    List<RejectedRecord> dlq = new CopyOnWriteArrayList<>();
    try (MatchService service = new MatchService(settings, props, topics);
         KafkaProducer<String, RekorEntry> rekor = new KafkaProducer<>(broker.producerConfig(),
             topics.rekorEntries().keySerde().serializer(), topics.rekorEntries().valueSerde().serializer());
         KafkaProducer<String, CtEntry> ct = new KafkaProducer<>(broker.producerConfig(),
             topics.ctEntries().keySerde().serializer(), topics.ctEntries().valueSerde().serializer());
         KafkaConsumer<String, Alert> alertConsumer = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("a")),
             topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer());
         KafkaConsumer<String, RejectedRecord> dlqConsumer = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("d")),
             topics.dlq().keySerde().deserializer(), topics.dlq().valueSerde().deserializer())) {
      service.start();
      long[] rekorIndex = {0};
      long[] ctIndex = {0};
      java.util.function.BiConsumer<IssuedCert, Instant> useInRekor = (c, t) -> {
        RekorEntry e = SimEntries.rekor(c, rekorIndex[0]++, t);
        rekor.send(new ProducerRecord<>(topics.rekorEntries().name(), e.getLogId(), e));
      };
      java.util.function.BiConsumer<IssuedCert, Instant> logInCt = (c, t) -> {
        try {
          CtEntry e = SimEntries.ct(FULCIO, c, ctIndex[0]++, t);
          ct.send(new ProducerRecord<>(topics.ctEntries().name(), e.getLogId(), e));
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      };
      IssuedCert alice = FULCIO.issue(ALICE, T0, List.of());
      logInCt.accept(alice, T0);
      useInRekor.accept(alice, T0.plusSeconds(30));
      IssuedCert release = FULCIO.issue(RELEASE, T0, List.of());
      logInCt.accept(release, T0.plusSeconds(1));                  // issued, never used → UNUSED_CERTIFICATE
      IssuedCert bob = FULCIO.issue(BOB, T0, List.of());
      useInRekor.accept(bob, T0.plusSeconds(2));
      logInCt.accept(bob, T0.plusSeconds(3));                      // unwatched, both sides → nothing
      useInRekor.accept(LOOKALIKE.issue(ALICE, T0, List.of()), T0.plusSeconds(4));   // → LOOKALIKE
      RekorEntry bad = SimEntries.rekorBody("{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{}}"
          .getBytes(StandardCharsets.UTF_8), rekorIndex[0]++, T0.plusSeconds(5));
      rekor.send(new ProducerRecord<>(topics.rekorEntries().name(), bad.getLogId(), bad)); // → DLQ + MALFORMED_ENTRY
      rekor.flush();
      ct.flush();
      // Verify's word that both logs are audited to their end, from checkpoints observed now (months after T0): the
      // evidence of absence UNUSED needs. The entries are months old; nothing in the join waits for a clock.
      try (KafkaProducer<String, LogEvent> events = new KafkaProducer<>(broker.producerConfig(),
          topics.logEvents().keySerde().serializer(), topics.logEvents().valueSerde().serializer())) {
        for (var log : Map.of(SimEntries.REKOR, rekorIndex[0], SimEntries.CT, ctIndex[0]).entrySet()) {
          events.send(new ProducerRecord<>(topics.logEvents().name(), log.getKey(), LogEvent.newBuilder()
              .setEventId("audited " + log.getKey()).setLogId(log.getKey()).setType("AUDITED")
              .setTreeSize(log.getValue()).setAtMillis(System.currentTimeMillis()).build())).get();
        }
      }

      alertConsumer.subscribe(List.of(topics.alerts().name()));
      dlqConsumer.subscribe(List.of(topics.dlq().name()));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        alertConsumer.poll(Duration.ofMillis(100)).forEach(r -> alerts.add(r.value()));
        dlqConsumer.poll(Duration.ofMillis(100)).forEach(r -> dlq.add(r.value()));
        return alerts.size() >= 6 && !dlq.isEmpty();
      });
      // Nothing more arrives: exactly the expected alerts.
      await().alias("exactly 6 alerts; got " + alerts.size() + ": " + alerts.stream()
              .map(a -> a.getType() + " " + a.getIdentity() + " " + a.getLogId()).toList())
          .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
        alertConsumer.poll(Duration.ofMillis(100)).forEach(r -> alerts.add(r.value()));
        return alerts.size() == 6;
      });
    }
    List<String> got = new ArrayList<>();
    alerts.forEach(a -> got.add(a.getType() + " " + a.getIdentity() + " " + a.getLogId()));
    assertThat(got).containsExactlyInAnyOrder(
        Alerts.IDENTITY_MATCH + " alice@example.com " + SimEntries.CT,
        Alerts.IDENTITY_MATCH + " alice@example.com " + SimEntries.REKOR,
        Alerts.IDENTITY_MATCH + " " + RELEASE.san() + " " + SimEntries.CT,
        Alerts.UNUSED_CERTIFICATE + " " + RELEASE.san() + " " + SimEntries.CT,
        Alerts.LOOKALIKE + " alice@example.com " + SimEntries.REKOR,
        Alerts.MALFORMED_ENTRY + " null " + SimEntries.REKOR);
    assertThat(dlq).singleElement().satisfies(r -> {
      assertThat(r.getSource()).isEqualTo("match");
      assertThat(r.getReason()).contains("spec.signature must be an object");
    });
  }
}
