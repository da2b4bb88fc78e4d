package dev.sigwatch.match.topology;


import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.LogPositionMarker;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The match topology on a {@link TopologyTestDriver}: a Fulcio-like CA and a lookalike one, input topics for both
 * logs, the watchlist and verify's log events, and the outputs. Shared by {@link MatchTopologyTest} (parse, match)
 * and {@link JoinTopologyTest} (the CT ⋈ Rekor join).
 */
abstract class TopologyHarness {
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

  /** The identity records written to {@code sigwatch.identities} since the last read, without match's log positions. */
  List<TestRecord<String, IdentityEvent>> identityRecords() {
    return identities.readRecordsToList().stream().filter(r -> !LogPositionMarker.is(r.getValue())).toList();
  }

  /** The identity events written since the last read, without match's log positions. */
  List<IdentityEvent> identityEvents() {
    return identityRecords().stream().map(TestRecord::getValue).toList();
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
}
