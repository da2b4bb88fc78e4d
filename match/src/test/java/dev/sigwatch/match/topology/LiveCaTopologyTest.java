package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Match follows the trusted root while it runs ({@link ChainCheck#following}): the root is swapped between entries, as
 * a TUF refresh swaps it, and each entry is judged by the CAs of the root in use when it is matched.
 */
class LiveCaTopologyTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final SimCa OLD = new SimCa(T0.minus(Duration.ofDays(1)));
  static final SimCa NEW = new SimCa(T0.minus(Duration.ofDays(1)));

  final AtomicReference<TrustedRoot> root = new AtomicReference<>();
  final Topics topics = Topics.create(SerdeConfig.embedded());
  TopologyTestDriver driver;
  TestInputTopic<String, RekorEntry> rekor;
  TestOutputTopic<String, Alert> alerts;
  long index;

  @BeforeEach
  void start() throws Exception {
    root.set(root(new Ca("https://fulcio.old", OLD, null)));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "match-live-ca-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/match-ttd-" + System.nanoTime());
    driver = new TopologyTestDriver(MatchTopology.build(topics, new WatchlistState(), ChainCheck.following(root::get),
        TopologyHarness.GRACE, Clock.systemUTC()), p);
    rekor = driver.createInputTopic(topics.rekorEntries().name(), topics.rekorEntries().keySerde().serializer(),
        topics.rekorEntries().valueSerde().serializer());
    alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(),
        topics.alerts().valueSerde().deserializer());
    var watchlist = driver.createInputTopic(topics.watchlist().name(), topics.watchlist().keySerde().serializer(),
        topics.watchlist().valueSerde().serializer());
    WatchRule r = WatchRules.rule(RuleType.CERT_IDENTITY, "@acme\\.example$", List.of(), null, null, List.of(), 0);
    watchlist.pipeInput(r.getRuleId(), r);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aCaAddedToTheRootCountsAsFulcioFromTheNextEntryAndItsEarlierVerdictIsNotReused() throws Exception {
    IssuedCert alice = SimEntries.issue(NEW, id("alice"), T0);
    assertThat(judge(alice)).as("before the CA is published").isEqualTo(Alerts.LOOKALIKE);

    root.set(root(new Ca("https://fulcio.old", OLD, null), new Ca("https://fulcio.new", NEW, null)));
    // The same certificate again (its verdict was cached under the old CAs) and a new one of the new CA.
    assertThat(judge(alice)).isEqualTo(Alerts.IDENTITY_MATCH);
    assertThat(judge(SimEntries.issue(NEW, id("bob"), T0))).isEqualTo(Alerts.IDENTITY_MATCH);
    assertThat(judge(SimEntries.issue(OLD, id("carol"), T0))).isEqualTo(Alerts.IDENTITY_MATCH);
  }

  @Test
  void aRemovedCaNoLongerCountsAndAnEndedOneOnlyForCertificatesIssuedBeforeItsEnd() throws Exception {
    IssuedCert early = SimEntries.issue(OLD, id("alice"), T0);
    assertThat(judge(early)).isEqualTo(Alerts.IDENTITY_MATCH);

    // The old CA retired (validity ends at T0 + 1 h), a new CA takes over: certificates of the old CA issued before
    // its end stay Fulcio-issued, later ones are lookalikes.
    root.set(root(new Ca("https://fulcio.old", OLD, T0.plus(Duration.ofHours(1))), new Ca("https://fulcio.new", NEW, null)));
    assertThat(judge(early)).isEqualTo(Alerts.IDENTITY_MATCH);
    assertThat(judge(SimEntries.issue(OLD, id("bob"), T0.plus(Duration.ofMinutes(30))))).isEqualTo(Alerts.IDENTITY_MATCH);
    assertThat(judge(SimEntries.issue(OLD, id("carol"), T0.plus(Duration.ofHours(2))))).isEqualTo(Alerts.LOOKALIKE);

    // The old CA removed (distrusted): none of its certificates counts any more, the new one's do.
    root.set(root(new Ca("https://fulcio.new", NEW, null)));
    assertThat(judge(early)).isEqualTo(Alerts.LOOKALIKE);
    assertThat(judge(SimEntries.issue(NEW, id("dave"), T0))).isEqualTo(Alerts.IDENTITY_MATCH);
  }

  @Test
  void anUnchangedRootKeepsTheVerdicts() throws Exception {
    ChainCheck check = ChainCheck.following(root::get);
    List<?> before = check.cas();
    root.set(root(new Ca("https://fulcio.old", OLD, null))); // a new instance with the same CAs (a refresh)
    assertThat(check.cas()).isSameAs(before);
  }

  /** The type of the one alert an entry of {@code c} raises. */
  String judge(IssuedCert c) {
    long i = index++;
    RekorEntry e = SimEntries.rekor(c, i, T0);
    rekor.pipeInput(e.getLogId(), e, T0);
    List<Alert> got = alerts.readValuesToList().stream().filter(a -> a.getLogIndex() != null && a.getLogIndex() == i)
        .toList();
    assertThat(got).as("alerts of entry %d", i).hasSize(1);
    return got.get(0).getType();
  }

  static Identity id(String name) {
    return Identity.email(name + "@acme.example", "https://accounts.google.com");
  }

  record Ca(String uri, SimCa ca, Instant end) {}

  static TrustedRoot root(Ca... cas) throws Exception {
    TrustedRootWriter w = new TrustedRootWriter();
    for (Ca c : cas) w.ca(c.uri(), c.ca().chain(), c.ca().notBefore(), c.end());
    return TrustedRoot.parse(new String(w.toJson(), StandardCharsets.UTF_8));
  }
}
