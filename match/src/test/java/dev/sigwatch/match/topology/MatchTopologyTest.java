package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.ca.CraftedCerts;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MatchTopologyTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** Fulcio certificates' validity. */
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final Duration GRACE = Duration.ofMinutes(10);
  static final Duration MAX_WAIT_PLUS = JoinProcessor.MAX_WAIT.plusHours(1);
  static final SimCa FULCIO = new SimCa(T0.minus(Duration.ofDays(1)));
  static final SimCa LOOKALIKE = new SimCa(T0.minus(Duration.ofDays(1)));
  static final Identity ALICE = Identity.email("alice@example.com", "https://accounts.google.com");
  static final Identity BOB = Identity.email("bob@example.com", "https://accounts.google.com");

  Topics topics = Topics.create(SerdeConfig.embedded());
  TopologyTestDriver driver;
  TestInputTopic<String, RekorEntry> rekor;
  TestInputTopic<String, CtEntry> ct;
  TestInputTopic<String, WatchRule> watchlist;
  TestOutputTopic<String, Alert> alerts;
  TestOutputTopic<String, RejectedRecord> dlq;
  TestOutputTopic<String, IdentityEvent> identities;
  TestInputTopic<String, LogEvent> logEvents;
  long rekorIndex;
  long ctIndex;

  @BeforeEach
  void start() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "match-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/match-ttd-" + System.nanoTime());
    driver = new TopologyTestDriver(MatchTopology.build(topics, new WatchlistState(),
        new ChainCheck(List.of(SimEntries.trusted(FULCIO))), GRACE, Clock.systemUTC()), p);
    rekor = in(topics.rekorEntries());
    ct = in(topics.ctEntries());
    watchlist = in(topics.watchlist());
    logEvents = in(topics.logEvents());
    alerts = out(topics.alerts());
    dlq = out(topics.dlq());
    identities = out(topics.identities());
    watch("alice@example\\.com");
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  <V> TestInputTopic<String, V> in(Topic<String, V> t) {
    return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
  }

  <V> TestOutputTopic<String, V> out(Topic<String, V> t) {
    return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
  }

  WatchRule watch(String certSubject) {
    WatchRule r = WatchRules.rule(RuleType.CERT_IDENTITY, certSubject, List.of(), null, null, List.of(), 0);
    watchlist.pipeInput(r.getRuleId(), r);
    return r;
  }

  void pipeRekor(IssuedCert c, Instant at) {
    RekorEntry e = SimEntries.rekor(c, rekorIndex++, at);
    rekor.pipeInput(e.getLogId(), e, at);
  }

  void pipeCt(SimCa ca, IssuedCert c, Instant at) throws Exception {
    CtEntry e = SimEntries.ct(ca, c, ctIndex++, at);
    ct.pipeInput(e.getLogId(), e, at);
  }

  /**
   * Verify reports {@code logId} audited at {@code size} from a checkpoint observed at {@code observedAt}; a second
   * of wall clock later the parse step has told the join (if it has read that far).
   */
  void audited(String logId, long size, Instant observedAt) {
    LogEvent e = LogEvent.newBuilder().setEventId(logId + size).setLogId(logId).setType("AUDITED").setTreeSize(size)
        .setAtMillis(observedAt.toEpochMilli()).build();
    logEvents.pipeInput(logId, e, observedAt);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
  }

  /** Both logs audited to everything piped so far, from checkpoints observed at {@code observedAt}. */
  void auditedAll(Instant observedAt) {
    audited(SimEntries.REKOR, rekorIndex, observedAt);
    audited(SimEntries.CT, ctIndex, observedAt);
  }

  List<String> types(List<Alert> a) {
    return a.stream().map(Alert::getType).toList();
  }

  @Test
  void bothSidesInEitherOrderMakeNoJoinAlert() throws Exception {
    IssuedCert first = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, first, T0);
    pipeRekor(first, T0.plus(Duration.ofMinutes(3)));
    IssuedCert second = SimEntries.issue(FULCIO, ALICE, T0.plusSeconds(60));
    pipeRekor(second, T0.plusSeconds(60));
    pipeCt(FULCIO, second, T0.plus(Duration.ofMinutes(9)));
    auditedAll(T0.plus(Duration.ofDays(90)));
    driver.advanceWallClockTime(MAX_WAIT_PLUS);
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsOnly(Alerts.IDENTITY_MATCH).hasSize(4);
    assertThat(got).allSatisfy(a -> {
      assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
      assertThat(a.getIdentity()).isEqualTo("alice@example.com");
      assertThat(a.getCertificate()).containsEntry("chain", "fulcio https://fulcio.sim");
    });
    assertThat(identities.readValuesToList()).hasSize(4);
  }

  @Test
  void unusedOnlyOnceEveryRekorLogIsAuditedPastTheValidityAndGrace() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, c, T0);
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0); // Rekor has entries, none using c
    auditedAll(T0.plus(WINDOW).plus(GRACE).minusSeconds(1)); // Rekor proven to just before notAfter + grace
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0.plusSeconds(1));
    audited(SimEntries.REKOR, rekorIndex, T0.plus(WINDOW).plus(GRACE));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.UNUSED_CERTIFICATE);
    assertThat(got.get(0).getLogId()).isEqualTo(SimEntries.CT);
    assertThat(got.get(0).getIdentity()).isEqualTo("alice@example.com");
    assertThat(got.get(0).getEvidence().get("provenLogs")).isEqualTo(SimEntries.REKOR + " audited to 2 as of "
        + T0.plus(WINDOW).plus(GRACE));
    // A use integrated after the log was proven past the window is outside it: no second alert of any kind.
    pipeRekor(c, T0.plus(Duration.ofHours(2)));
    auditedAll(T0.plus(Duration.ofHours(3)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
  }

  @Test
  void aRekorLogReadSlowerThanCtNeverMakesAFalseUnused() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, c, T0);
    // CT is read and audited to today; Rekor is known to verify (audited far ahead) but match has not read it yet.
    audited(SimEntries.CT, ctIndex, T0.plus(Duration.ofDays(90)));
    audited(SimEntries.REKOR, 1000, T0.plus(Duration.ofDays(90)));
    driver.advanceWallClockTime(Duration.ofHours(5));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    // Rekor's backfill reaches the use, then the audited size: no UNUSED, ever.
    pipeRekor(c, T0.plus(Duration.ofMinutes(2)));
    rekorIndex = 1000;
    pipeRekor(SimEntries.issue(LOOKALIKE, BOB, T0), T0.plus(Duration.ofMinutes(3))); // never UNLOGGED itself
    driver.advanceWallClockTime(MAX_WAIT_PLUS);
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
  }

  @Test
  void unloggedOnlyOnceEveryCtLogIsAuditedPastTheValidityAndGrace() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(c, T0);
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0), T0);
    audited(SimEntries.REKOR, rekorIndex, T0.plus(Duration.ofDays(1)));
    assertThat(alerts.readValuesToList()).isEmpty(); // CT not proven yet
    audited(SimEntries.CT, ctIndex, T0.plus(Duration.ofDays(1)));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.UNLOGGED_CERTIFICATE);
    assertThat(got.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(got.get(0).getLogIndex()).isEqualTo(0L);
  }

  @Test
  void withoutAnyCtLogNoUnloggedEver() throws Exception {
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0);
    audited(SimEntries.REKOR, rekorIndex, T0.plus(Duration.ofDays(1)));
    driver.advanceWallClockTime(MAX_WAIT_PLUS);
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void aLogReadFromAfterTheWindowBeganDecidesNothing() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(c, T0);
    // CT read from index 500 (ingest.startAt), its first entry observed after the certificate's window began.
    ctIndex = 500;
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0.plus(Duration.ofMinutes(5))), T0.plus(Duration.ofMinutes(5)));
    auditedAll(T0.plus(Duration.ofDays(1))); // as in unloggedOnlyOnce...: there, CT read from 0 makes it UNLOGGED
    driver.advanceWallClockTime(MAX_WAIT_PLUS);
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void lookalikeIsReportedAsLookalikeAndNeverAsUnlogged() throws Exception {
    IssuedCert fake = SimEntries.issue(LOOKALIKE, ALICE, T0);
    pipeRekor(fake, T0);
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0), T0);
    auditedAll(T0.plus(Duration.ofDays(1)));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.LOOKALIKE);
    assertThat(got.get(0).getSeverity()).isEqualTo(Severity.MEDIUM);
    assertThat(got.get(0).getCertificate().get("chain")).startsWith("lookalike: ");
  }

  @Test
  void malformedEntryGoesToTheDlqWithAnAlertAndTheStageGoesOn() throws Exception {
    RekorEntry bad = SimEntries.rekorBody("{\"kind\":\"hashedrekord\"".getBytes(StandardCharsets.UTF_8), 7, T0);
    rekor.pipeInput(bad.getLogId(), bad, T0);
    RekorEntry unknown = SimEntries.rekorBody(
        "{\"apiVersion\":\"0.0.1\",\"kind\":\"nope\",\"spec\":{}}".getBytes(StandardCharsets.UTF_8), 8, T0);
    rekor.pipeInput(unknown.getLogId(), unknown, T0);
    pipeRekor(SimEntries.issue(FULCIO, ALICE, T0), T0);
    List<RejectedRecord> rejected = dlq.readValuesToList();
    assertThat(rejected).extracting(RejectedRecord::getLogIndex).containsExactly(7L, 8L);
    assertThat(rejected.get(1).getReason()).contains("unsupported entry kind 'nope' version '0.0.1'");
    assertThat(types(alerts.readValuesToList()))
        .containsExactly(Alerts.MALFORMED_ENTRY, Alerts.MALFORMED_ENTRY, Alerts.IDENTITY_MATCH);
  }

  @Test
  void anEntryTruncatedAtIngestIsReportedMalformedWithItsSize() throws Exception {
    RekorEntry whole = SimEntries.rekor(SimEntries.issue(FULCIO, ALICE, T0), 9, T0);
    RekorEntry cut = RekorEntry.newBuilder(whole).setServedBytes(3_000_000L)
        .setLeafHash(java.nio.ByteBuffer.wrap(new byte[32])).build(); // a whole body: still not parsed
    rekor.pipeInput(cut.getLogId(), cut, T0);
    List<RejectedRecord> rejected = dlq.readValuesToList();
    assertThat(rejected).extracting(RejectedRecord::getLogIndex).containsExactly(9L);
    assertThat(rejected.get(0).getReason()).contains("entry of 3000000 bytes was truncated at ingest");
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.MALFORMED_ENTRY);
  }

  @Test
  void rulesAddedAndRemovedAtRuntimeApplyToTheNextEntry() throws Exception {
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0);
    assertThat(alerts.readValuesToList()).isEmpty();
    WatchRule bob = watch("^bob@");
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0);
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> assertThat(a.getRuleId()).isEqualTo(bob.getRuleId()));
    watchlist.pipeInput(bob.getRuleId(), null);
    pipeRekor(SimEntries.issue(FULCIO, BOB, T0), T0);
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void sameInputMakesTheSameAlertId() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    RekorEntry e = SimEntries.rekor(c, 42, T0);
    rekor.pipeInput(e.getLogId(), e, T0);
    rekor.pipeInput(e.getLogId(), e, T0);
    List<Alert> got = alerts.readValuesToList();
    assertThat(got).hasSize(2);
    assertThat(got.get(0).getAlertId()).isEqualTo(got.get(1).getAlertId())
        .isEqualTo(Alerts.alertId(Alerts.IDENTITY_MATCH, SimEntries.REKOR, 42L, got.get(0).getRuleId()));
  }

  void pipeRekorCert(X509Certificate cert, Instant at) {
    byte[] digest = Certificates.sha256(("artifact " + rekorIndex).getBytes(StandardCharsets.UTF_8));
    byte[] body = V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_CERT, cert, null, new byte[] {1, 2, 3}).render(digest);
    RekorEntry e = SimEntries.rekorBody(body, rekorIndex++, at);
    rekor.pipeInput(e.getLogId(), e, at);
  }

  /** The alert types about Rekor entry {@code index}. */
  static List<String> about(List<Alert> alerts, long index) {
    return alerts.stream().filter(a -> a.getLogIndex() == index).map(Alert::getType).toList();
  }

  @Test
  void aDeeplyNestedExtensionIsReportedAndTheNextEntryIsStillMatched() throws Exception {
    watch("crafted@example\\.com");
    X509Certificate crafted = CraftedCerts.selfSigned("crafted@example.com", 3000, T0);
    assertThat(crafted.getEncoded().length).isGreaterThan(9000);
    pipeRekorCert(crafted, T0);
    pipeRekor(SimEntries.issue(FULCIO, ALICE, T0), T0);
    List<Alert> got = alerts.readValuesToList();
    // Reported: as malformed (the decoder gave up) or, once decoding bounds depth, as the lookalike it is.
    assertThat(about(got, 0)).singleElement().isIn(Alerts.MALFORMED_ENTRY, Alerts.LOOKALIKE);
    assertThat(about(got, 1)).containsExactly(Alerts.IDENTITY_MATCH);
  }

  @Test
  void aFortyKilobyteSanAgainstABacktrackingPronePatternIsMatchedInLinearTime() throws Exception {
    WatchRule ab = watch("(a|b)+");
    String san = "ab".repeat(20_000) + "@example.com";
    pipeRekor(SimEntries.issue(FULCIO, Identity.email(san, "https://accounts.google.com"), T0), T0);
    pipeRekor(SimEntries.issue(FULCIO, ALICE, T0), T0);
    List<Alert> got = alerts.readValuesToList();
    assertThat(got).filteredOn(a -> a.getLogIndex() == 0).singleElement().satisfies(a -> {
      assertThat(a.getType()).isEqualTo(Alerts.IDENTITY_MATCH);
      assertThat(a.getRuleId()).isEqualTo(ab.getRuleId());
      assertThat(a.getIdentity()).isEqualTo(san);
    });
    assertThat(about(got, 1)).containsExactly(Alerts.IDENTITY_MATCH, Alerts.IDENTITY_MATCH); // alice rule and (a|b)+
  }

  @Test
  void aDsseEntryWithOneBadSignerReportsTheGoodSignerAndTheBadOne() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    byte[] digest = Certificates.sha256("payload".getBytes(StandardCharsets.UTF_8));
    String body = new String(V1Bodies.template(V1Bodies.Kind.DSSE, c.certificate(), null, new byte[] {1, 2, 3})
        .render(digest), StandardCharsets.UTF_8);
    String bad = ",{\"signature\":\"AQID\",\"verifier\":\"" + java.util.Base64.getEncoder().encodeToString(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8)) + "\"}]}}";
    assertThat(body).endsWith("}]}}");
    RekorEntry e = SimEntries.rekorBody((body.substring(0, body.length() - 4) + "}" + bad)
        .getBytes(StandardCharsets.UTF_8), 5, T0);
    rekor.pipeInput(e.getLogId(), e, T0);
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.IDENTITY_MATCH, Alerts.MALFORMED_ENTRY);
    assertThat(got.get(0).getIdentity()).isEqualTo("alice@example.com");
    assertThat(got.get(0).getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(got.get(1).getEvidence()).containsEntry("part", "signer 1");
    assertThat(got.get(1).getSummary()).contains("signer 1");
    assertThat(dlq.readValuesToList()).singleElement().satisfies(r -> assertThat(r.getReason()).startsWith("signer 1: "));
  }

  @Test
  void integratedTimesFarInTheFutureOrNegativeAreEvidenceNotRecordTimestamps() throws Exception {
    Instant future = Instant.now().plus(Duration.ofDays(3650));
    pipeRekorAt(SimEntries.issue(FULCIO, ALICE, T0), future, T0);
    pipeRekorAt(SimEntries.issue(FULCIO, ALICE, T0), Instant.ofEpochSecond(-5), T0);
    List<org.apache.kafka.streams.test.TestRecord<String, Alert>> got = alerts.readRecordsToList();
    assertThat(got).extracting(r -> r.getValue().getType()).containsExactly(Alerts.IDENTITY_MATCH, Alerts.IDENTITY_MATCH);
    assertThat(got).allSatisfy(r -> assertThat(r.getRecordTime()).isEqualTo(T0));
    assertThat(identities.readRecordsToList()).extracting(r -> r.getValue().getIntegratedTime())
        .containsExactly(future.getEpochSecond(), -5L);
  }

  void pipeRekorAt(IssuedCert c, Instant integrated, Instant recordTime) {
    RekorEntry e = SimEntries.rekor(c, rekorIndex++, integrated);
    rekor.pipeInput(e.getLogId(), e, recordTime);
  }

  @Test
  void ctIdentitiesComeFromTheLeafAndADisagreeingExtraDataIsReported() throws Exception {
    IssuedCert logged = SimEntries.issue(FULCIO, ALICE, T0);
    IssuedCert shown = SimEntries.issue(FULCIO, BOB, T0);
    CtEntry honest = SimEntries.ct(FULCIO, logged, 0, T0);
    CtEntry lying = CtEntry.newBuilder(honest).setIndex(1)
        .setExtraData(SimEntries.ct(FULCIO, shown, 1, T0).getExtraData()).build();
    ct.pipeInput(honest.getLogId(), honest, T0);
    ct.pipeInput(lying.getLogId(), lying, T0);
    List<IdentityEvent> events = identities.readValuesToList();
    assertThat(events).hasSize(2).allSatisfy(e -> {
      assertThat(e.getSans()).extracting(san -> san.getValue()).containsExactly("alice@example.com");
      assertThat(e.getTbsHash()).isEqualTo(dev.sigwatch.core.ct.PrecertTbs.tbsHash(
          dev.sigwatch.core.ct.PrecertTbs.fromPrecertificate(logged.precertificate())));
    });
    assertThat(events.get(0).getCertFingerprint()).isEqualTo(Certificates.fingerprint(logged.precertificate()));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.IDENTITY_MATCH, Alerts.IDENTITY_MATCH, Alerts.CT_EXTRA_DATA_MISMATCH);
    assertThat(got.get(0).getCertificate()).containsEntry("chain", "fulcio https://fulcio.sim");
    assertThat(got.get(2).getLogIndex()).isEqualTo(1L);
    assertThat(got.get(2).getSummary()).contains("is not the one in the Merkle leaf");
  }

  @Test
  void ctGarbageExtraDataStillYieldsTheLeafsIdentitiesAndIsReported() throws Exception {
    IssuedCert logged = SimEntries.issue(FULCIO, ALICE, T0);
    CtEntry garbled = CtEntry.newBuilder(SimEntries.ct(FULCIO, logged, 7, T0))
        .setExtraData(ByteBuffer.wrap("not a TLS structure".getBytes(StandardCharsets.US_ASCII)))
        .build();
    ct.pipeInput(garbled.getLogId(), garbled, T0);
    assertThat(identities.readValuesToList()).singleElement().satisfies(e -> {
      assertThat(e.getSans()).extracting(san -> san.getValue()).containsExactly("alice@example.com");
      assertThat(e.getChainDer()).isEmpty();
    });
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.IDENTITY_MATCH, Alerts.CT_EXTRA_DATA_MISMATCH);
    assertThat(got).allSatisfy(a -> assertThat(a.getLogIndex()).isEqualTo(7L));
    assertThat(got.get(1).getSummary()).contains("extra_data cannot be read");
  }
}
