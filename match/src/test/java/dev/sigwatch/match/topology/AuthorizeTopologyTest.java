package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.authorize.Authorizations;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Authorization;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.simulator.ca.IssuedCert;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/** An authorized signing (sigwatch authorize) is an INFO AUTHORIZED alert, not a HIGH IDENTITY_MATCH. */
class AuthorizeTopologyTest {
  static final java.time.Instant T0 = MatchTopologyTest.T0;
  static final dev.sigwatch.simulator.ca.SimCa FULCIO = MatchTopologyTest.FULCIO;
  static final dev.sigwatch.simulator.ca.SimCa LOOKALIKE = MatchTopologyTest.LOOKALIKE;
  static final dev.sigwatch.simulator.ca.Identity ALICE = MatchTopologyTest.ALICE;

  final dev.sigwatch.schemas.topics.Topics topics =
      dev.sigwatch.schemas.topics.Topics.create(dev.sigwatch.schemas.serde.SerdeConfig.embedded());
  org.apache.kafka.streams.TopologyTestDriver driver;
  org.apache.kafka.streams.TestOutputTopic<String, Alert> alerts;
  long rekorIndex;

  @org.junit.jupiter.api.BeforeEach
  void start() {
    java.util.Properties p = new java.util.Properties();
    p.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, "authorize-test");
    p.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG,
        System.getProperty("java.io.tmpdir") + "/authorize-ttd-" + System.nanoTime());
    driver = new org.apache.kafka.streams.TopologyTestDriver(MatchTopology.build(topics, new WatchlistState(),
        new ChainCheck(List.of(SimEntries.trusted(FULCIO))), MatchTopologyTest.GRACE, java.time.Clock.systemUTC()), p);
    alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(),
        topics.alerts().valueSerde().deserializer());
    dev.sigwatch.schemas.WatchRule r = dev.sigwatch.match.watchlist.WatchRules.rule(
        dev.sigwatch.schemas.RuleType.CERT_IDENTITY, "alice@example\\.com", List.of(), null, null, List.of(), 0);
    in(topics.watchlist()).pipeInput(r.getRuleId(), r);
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    driver.close();
  }

  <V> TestInputTopic<String, V> in(dev.sigwatch.schemas.topics.Topic<String, V> t) {
    return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
  }

  void pipeRekor(IssuedCert c, java.time.Instant at) {
    dev.sigwatch.schemas.RekorEntry e = SimEntries.rekor(c, rekorIndex++, at);
    in(topics.rekorEntries()).pipeInput(e.getLogId(), e, at);
  }

  static List<String> types(List<Alert> a) {
    return a.stream().map(Alert::getType).toList();
  }

  Authorization authorize(Authorizations.Kind kind, String value) {
    TestInputTopic<String, Authorization> in = in(topics.authorizations());
    String id = Authorizations.id(kind, value);
    Authorization a = Authorization.newBuilder().setAuthorizationId(id).setKind(kind.name()).setValue(value)
        .setDescription("release 1.2.3").setCreatedAtMillis(0).build();
    in.pipeInput(id, a);
    return a;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void anAuthorizedCertificateIsInfoAndAnotherOfTheSameIdentityStaysHigh() throws Exception {
    IssuedCert release = SimEntries.issue(FULCIO, ALICE, T0);
    IssuedCert other = SimEntries.issue(FULCIO, ALICE, T0);
    Authorization a = authorize(Authorizations.Kind.CERTIFICATE, sha256(release.certificate().getEncoded()));
    pipeRekor(release, T0);
    pipeRekor(other, T0);
    List<Alert> got = alerts.readValuesToList();
    assertThat(got).extracting(Alert::getType, Alert::getSeverity).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Alerts.AUTHORIZED, Severity.INFO),
        org.assertj.core.groups.Tuple.tuple(Alerts.IDENTITY_MATCH, Severity.HIGH));
    assertThat(got.get(0).getEvidence()).containsEntry("authorization", a.getAuthorizationId());
    assertThat(got.get(0).getSummary()).contains("release 1.2.3");
  }

  @Test
  void aRemovedAuthorizationNoLongerCovers() throws Exception {
    IssuedCert release = SimEntries.issue(FULCIO, ALICE, T0);
    Authorization a = authorize(Authorizations.Kind.CERTIFICATE, sha256(release.certificate().getEncoded()));
    in(topics.authorizations()).pipeInput(a.getAuthorizationId(), null);
    pipeRekor(release, T0);
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.IDENTITY_MATCH);
  }

  @Test
  void aLookalikeStaysALookalikeWhateverIsAuthorized() throws Exception {
    IssuedCert fake = SimEntries.issue(LOOKALIKE, ALICE, T0);
    authorize(Authorizations.Kind.CERTIFICATE, sha256(fake.certificate().getEncoded()));
    pipeRekor(fake, T0);
    assertThat(types(alerts.readValuesToList())).containsExactly(Alerts.LOOKALIKE);
  }

  @Test
  void malformedAuthorizationsAreRefusedWithTheReason() {
    Authorization bad = Authorization.newBuilder().setAuthorizationId("CERTIFICATE:xyz").setKind("CERTIFICATE")
        .setValue("xyz").setCreatedAtMillis(0).build();
    assertThat(Authorizations.problem(bad)).isEqualTo(
        "authorization CERTIFICATE:xyz: CERTIFICATE must be a hex SHA-256 (64 hex digits), was xyz");
    assertThat(Authorizations.of(List.of(bad)).size()).isZero();
  }
}
