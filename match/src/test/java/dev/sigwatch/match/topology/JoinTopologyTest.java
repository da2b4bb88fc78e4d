package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.topics.LogPositionMarker;
import dev.sigwatch.simulator.ca.IssuedCert;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The CT ⋈ Rekor join through the whole topology: absence alerts only on evidence of absence. */
class JoinTopologyTest extends TopologyHarness {
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
    // The identities topic is the join's input: every identity keyed by its certificate (both sides of one certificate
    // under one key), and behind them each log's position, which other consumers skip.
    List<TestRecord<String, IdentityEvent>> written = identities.readRecordsToList();
    assertThat(written.stream().filter(r -> !LogPositionMarker.is(r.getValue())))
        .hasSize(4).allSatisfy(r -> assertThat(r.getKey()).isEqualTo(r.getValue().getTbsHash()));
    assertThat(written.stream().filter(r -> LogPositionMarker.is(r.getValue())).map(r -> r.getValue().getLogId()))
        .contains(SimEntries.REKOR, SimEntries.CT);
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
  void identitiesKeyedByAnythingButTheirCertificateAreNotTheJoins() throws Exception {
    // At an upgrade, sigwatch.identities holds what an older sigwatch wrote: keyed by fingerprint, partitioned so. The
    // join reads only records keyed by their own TBS hash; such a record would otherwise wait as a Rekor side under the
    // wrong key, and be an UNLOGGED once CT is proven.
    IssuedCert c = SimEntries.issue(FULCIO, BOB, T0);
    pipeRekor(c, T0);
    IdentityEvent written = identityEvents().get(0);
    IdentityEvent older = IdentityEvent.newBuilder(written).setTbsHash("ab".repeat(32)).build();
    in(topics.identities()).pipeInput(older.getCertFingerprint(), older, T0);
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0), T0);
    auditedAll(T0.plus(Duration.ofDays(1)));
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.UNLOGGED_CERTIFICATE); // c's, the one written by this sigwatch
    assertThat(got.get(0).getEvidence()).containsEntry("tbsHash", written.getTbsHash());
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

  /**
   * What the join costs the broker on a real log, where nearly every entry brings a new certificate: two changelog
   * records (its seen mark, its pending side) and, once decided, their two tombstones. The deadline index is local
   * (it was four more records and four more tombstones per entry).
   */
  @Test
  void aNewCertificateCostsTwoChangelogRecordsAndTwoTombstonesOnceDecided() throws Exception {
    int n = 8;
    for (int i = 0; i < n; i++) {
      pipeRekor(SimEntries.issue(FULCIO, BOB, T0.plusSeconds(i)), T0.plusSeconds(i));
    }
    assertThat(joinChangelogRecords()).isEqualTo(2L * n);
    pipeCt(FULCIO, SimEntries.issue(FULCIO, BOB, T0), T0); // unwatched: a seen mark only
    auditedAll(T0.plus(Duration.ofDays(1)));
    assertThat(types(alerts.readValuesToList())).hasSize(n).containsOnly(Alerts.UNLOGGED_CERTIFICATE);
    // the CT entry's mark, then n pending tombstones and n + 1 seen tombstones
    assertThat(joinChangelogRecords()).isEqualTo(2L * n + 1 + n + (n + 1));
  }

  /** Records written so far to the join's changelogs (seen, pending and anything else the join logs). */
  long joinChangelogRecords() {
    return driver.producedTopicNames().stream()
        .filter(t -> t.contains("match-join-") && t.endsWith("-changelog") && !t.contains("evidence"))
        .mapToLong(t -> driver.createOutputTopic(t, org.apache.kafka.common.serialization.Serdes.ByteArray()
            .deserializer(), org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer()).getQueueSize())
        .sum();
  }
}
