package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.simulator.ca.CraftedCerts;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing and watchlist matching through the whole topology (the join: {@link JoinTopologyTest}). */
class MatchTopologyTest extends TopologyHarness {
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
    assertThat(identityRecords()).extracting(r -> r.getValue().getIntegratedTime())
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
    List<IdentityEvent> events = identityEvents();
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
    assertThat(identityEvents()).singleElement().satisfies(e -> {
      assertThat(e.getSans()).extracting(san -> san.getValue()).containsExactly("alice@example.com");
      assertThat(e.getChainDer()).isEmpty();
    });
    List<Alert> got = alerts.readValuesToList();
    assertThat(types(got)).containsExactly(Alerts.IDENTITY_MATCH, Alerts.CT_EXTRA_DATA_MISMATCH);
    assertThat(got).allSatisfy(a -> assertThat(a.getLogIndex()).isEqualTo(7L));
    assertThat(got.get(1).getSummary()).contains("extra_data cannot be read");
  }
}
