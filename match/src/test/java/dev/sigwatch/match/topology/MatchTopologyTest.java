package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.sim.ca.Identity;
import dev.sigwatch.testkit.sim.ca.IssuedCert;
import dev.sigwatch.testkit.sim.ca.SimCa;
import java.nio.charset.StandardCharsets;
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
  static final Duration WINDOW = Duration.ofMinutes(10);
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
  long index;

  @BeforeEach
  void start() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "match-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/match-ttd-" + System.nanoTime());
    driver = new TopologyTestDriver(MatchTopology.build(topics, new WatchlistState(),
        new ChainCheck(List.of(SimEntries.trusted(FULCIO))), WINDOW, Clock.systemUTC()), p);
    rekor = in(topics.rekorEntries());
    ct = in(topics.ctEntries());
    watchlist = in(topics.watchlist());
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
    RekorEntry e = SimEntries.rekor(c, index++, at);
    rekor.pipeInput(e.getLogId(), e, at);
  }

  void pipeCt(SimCa ca, IssuedCert c, Instant at) throws Exception {
    CtEntry e = SimEntries.ct(ca, c, index++, at);
    ct.pipeInput(e.getLogId(), e, at);
  }

  /** Advances the join task's stream time with an unwatched certificate seen on both sides. */
  void advanceTo(Instant t) throws Exception {
    IssuedCert other = SimEntries.issue(FULCIO, BOB, t);
    pipeCt(FULCIO, other, t);
    pipeRekor(other, t);
  }

  List<String> types(List<Alert> a) {
    return a.stream().map(Alert::getType).toList();
  }

  @Test
  void bothSidesWithinTheWindowInEitherOrderMakeNoJoinAlert() throws Exception {
    IssuedCert first = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, first, T0);
    pipeRekor(first, T0.plus(Duration.ofMinutes(3)));
    IssuedCert second = SimEntries.issue(FULCIO, ALICE, T0.plusSeconds(60));
    pipeRekor(second, T0.plusSeconds(60));
    pipeCt(FULCIO, second, T0.plus(Duration.ofMinutes(9)));
    advanceTo(T0.plus(Duration.ofHours(1)));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsOnly(Alerts.IDENTITY_MATCH).hasSize(4);
    assertThat(got).allSatisfy(a -> {
      assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
      assertThat(a.getIdentity()).isEqualTo("alice@example.com");
      assertThat(a.getCertificate()).containsEntry("chain", "fulcio https://fulcio.sim");
    });
    assertThat(identities.readValuesToList()).hasSize(6);
  }

  @Test
  void certificateIssuedButNeverUsedIsUnused() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, c, T0);
    advanceTo(T0.plus(WINDOW).minusSeconds(1));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    advanceTo(T0.plus(WINDOW).plusSeconds(5));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.UNUSED_CERTIFICATE);
    assertThat(got.get(0).getLogId()).isEqualTo(SimEntries.CT);
    assertThat(got.get(0).getIdentity()).isEqualTo("alice@example.com");
    // A Rekor use after the alert does not alert again.
    pipeRekor(c, T0.plus(WINDOW).plusSeconds(10));
    advanceTo(T0.plus(Duration.ofHours(1)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
  }

  @Test
  void ctRunningAheadOfRekorWaitsForRekorToCatchUp() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, c, T0);
    // CT's backfill runs three windows ahead; Rekor has not reached T0 yet. Stream time is far past the deadline.
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0.plus(WINDOW.multipliedBy(3))), T0.plus(WINDOW.multipliedBy(3)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    // Rekor catches up: the use arrives, then Rekor moves on past the window. No UNUSED, ever.
    pipeRekor(c, T0.plus(Duration.ofMinutes(2)));
    advanceTo(T0.plus(WINDOW.multipliedBy(4)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    // And once Rekor has passed a never-used issuance's window, it is UNUSED as before.
    IssuedCert unused = SimEntries.issue(FULCIO, ALICE, T0.plus(WINDOW.multipliedBy(5)));
    pipeCt(FULCIO, unused, T0.plus(WINDOW.multipliedBy(5)));
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0.plus(WINDOW.multipliedBy(8))), T0.plus(WINDOW.multipliedBy(8)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    pipeRekor(SimEntries.issue(LOOKALIKE, BOB, T0.plus(WINDOW.multipliedBy(7))), T0.plus(WINDOW.multipliedBy(7)));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.UNUSED_CERTIFICATE);
  }

  @Test
  void rekorRunningAheadOfCtWaitsForCtToCatchUp() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(c, T0);
    // Rekor's backfill runs three windows ahead (a certificate of another CA: never UNLOGGED itself).
    pipeRekor(SimEntries.issue(LOOKALIKE, BOB, T0.plus(WINDOW.multipliedBy(3))), T0.plus(WINDOW.multipliedBy(3)));
    pipeCt(FULCIO, c, T0.plusSeconds(30)); // CT's backfill reaches the certificate late, but within its window
    advanceTo(T0.plus(WINDOW.multipliedBy(4)));
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void fulcioCertificateUsedButNeverLoggedIsUnlogged() throws Exception {
    IssuedCert c = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(c, T0);
    advanceTo(T0.plus(WINDOW).plusSeconds(5));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.UNLOGGED_CERTIFICATE);
    assertThat(got.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(got.get(0).getLogIndex()).isEqualTo(0L);
  }

  @Test
  void lookalikeIsReportedAsLookalikeAndNeverAsUnlogged() throws Exception {
    IssuedCert fake = SimEntries.issue(LOOKALIKE, ALICE, T0);
    pipeRekor(fake, T0);
    advanceTo(T0.plus(WINDOW).plusSeconds(5));
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

  @Test
  void quietPartitionStillRaisesUnusedAndUnloggedOnWallClock() throws Exception {
    IssuedCert issued = SimEntries.issue(FULCIO, ALICE, T0);
    pipeCt(FULCIO, issued, T0);
    IssuedCert used = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(used, T0);
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
    // No further record: stream time stands still at T0; only the wall clock moves.
    driver.advanceWallClockTime(WINDOW.minusSeconds(1));
    assertThat(alerts.readValuesToList()).isEmpty();
    driver.advanceWallClockTime(Duration.ofSeconds(61));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactlyInAnyOrder(Alerts.UNUSED_CERTIFICATE, Alerts.UNLOGGED_CERTIFICATE);
    assertThat(got).filteredOn(a -> a.getType().equals(Alerts.UNUSED_CERTIFICATE)).singleElement()
        .satisfies(a -> assertThat(a.getIdentity()).isEqualTo("alice@example.com"));
    // Stream time passing the event-time deadlines later does not alert a second time.
    advanceTo(T0.plus(Duration.ofHours(1)));
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void backfilledEntriesGetAWholeWallClockWindowToMeetTheirOtherSide() throws Exception {
    // Relative to the driver's wall clock (real time at creation), so the entry is 30 days old whatever the date.
    Instant old = Instant.now().minus(Duration.ofDays(30));
    SimCa oldCa = new SimCa(old.minus(Duration.ofDays(1)));
    IssuedCert c = SimEntries.issue(oldCa, ALICE, old);
    pipeCt(oldCa, c, old);
    // The entry's event-time deadline is 30 days behind the wall clock, yet nothing fires before a real window.
    driver.advanceWallClockTime(WINDOW.dividedBy(2));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.LOOKALIKE);
    pipeRekor(c, old.plus(Duration.ofMinutes(2)));
    driver.advanceWallClockTime(WINDOW.multipliedBy(2));
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.LOOKALIKE);
  }
}
