package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's sequence: each log family goes through every incident it can have, a few seconds apart, on the real
 * broker (simulator → ingest → verify), as a new user's private instance would: a Rekor v1 server whose hostname is
 * unlike its URL (and a second, honest Rekor v1 server with the same hostname), a Rekor v2 log whose URL has a port and
 * a path and whose origin is its hostname, witnessed by two witnesses under a 2-of-2 policy, an RFC 6962 CT log, a
 * trusted root of their own, entries four months older than the clock, every log read from index 0 and each growing
 * at its own pace.
 *
 * <p>Each incident must raise its own alert, of its type, on its log, after it was staged, with its evidence, before
 * the next one is staged; at the end each log's alerts are exactly the multiset of its incidents: nothing missed,
 * nothing extra (an expected rotation and the recoveries raise none; repeats of one fact fold into one episode; a
 * rollback's open episode does not mask the fork that follows it). Sequence (Rekor v1: shards A frozen, B active, then
 * C after the rotation): tamper, bad signature, unknown key (CT: a bad signature, an RFC 6962 tree head names no key),
 * witness missing and invalid (v2), split view, stale (then growth again), expected rotation (v1: B frozen, C active,
 * no alert), frozen-shard change (v1, on B), rollback, fork. Not in it: static-ct (its checkpoint is republished only
 * when its tree changes, so a re-signed head with a bad or unknown signature is not read again, and a static-ct leaf
 * names its index, so the simulator cannot fork it).
 *
 * <p>Between incidents a keeper grows every log each second, so no log idles past the short {@code staleAfter}; a log
 * whose incident lives in its served head is held (not grown) until verify has alerted on it, then grown, which ends
 * the incident as a recovering log would.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IncidentSequenceIT {

  static final Topics TOPICS = VerifySimulatorIT.TOPICS.withPrefix(KafkaTestBroker.uniqueName("sequence") + ".");
  /**
   * Short windows so the sequence takes two or three minutes, yet a staleness bound well above the pipeline's lag on a
   * loaded machine (verify judges staleness by the wall clock against ingest's observation time: 20 s was not enough
   * on a machine with a load of 20, where verify fell 30 s behind); generous awaits.
   */
  static final Duration STALE_AFTER = Duration.ofSeconds(60);
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);
  static final String SHARED_HOSTNAME = "rekor-server-0c1d2e.sim.internal";

  @TempDir Path stateDir;
  final List<Alert> alerts = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  final Set<SigstoreSimulator> held = ConcurrentHashMap.newKeySet();
  /** When the incident being awaited was staged, and how many alerts had arrived then (set by {@link #stage}). */
  volatile long stagedAt;
  volatile int stagedIndex;

  @Test
  @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES) // about 3 minutes; 6 at a load of 40
  void eachFamilyGoesThroughEveryIncidentItCanHaveAndEachRaisesExactlyItsOwnAlert(KafkaTestBroker broker)
      throws Exception {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, TOPICS.all());
    }
    SigstoreSimulator v1 = SigstoreSimulator.builder().threads(2).rekorV1Hostname(SHARED_HOSTNAME)
        .inactiveShardEntries(150).build().start();
    // Another Rekor v1 server with the same hostname, honest, growing on its own timer.
    SigstoreSimulator twin = SigstoreSimulator.builder().threads(2).rekorV1Hostname(SHARED_HOSTNAME)
        .inactiveShardEntries(40).entriesPerSecond(2).build().start();
    SigstoreSimulator v2 = SigstoreSimulator.builder().threads(2).witnessed(true).build().start();
    SigstoreSimulator ct = SigstoreSimulator.builder().threads(2).build().start();
    v1.grow(200);
    twin.grow(60);
    v2.grow(120);
    for (int i = 0; i < 6; i++) ct.grow(1); // one certificate (CT entry) per grow
    String shardA = v1.rekorV1().origin(v1.rekorV1().inactive().get(0));
    String shardB = v1.rekorV1().origin(v1.rekorV1().active());
    String v2Log = v2.rekorV2Url().replaceFirst("^https?://", ""); // a Rekor v2 log id is its URL
    String ctLog = ct.ctUrl().replaceFirst("^https?://", "");
    assertThat(shardA).startsWith(SHARED_HOSTNAME + " - ");
    assertThat(twin.rekorV1().origin(twin.rekorV1().active())).startsWith(SHARED_HOSTNAME + " - ");
    assertThat(v2.rekorV2Url()).matches("https?://[^/]+:\\d+/.+");
    assertThat(v2.rekorV2().origin()).isEqualTo(java.net.URI.create(v2.rekorV2Url()).getHost());

    WitnessPolicy policy = WitnessPolicy.ofVkeys(v2.rekorV2().witnessVkeys(), 2);
    VerifySettings vs = new VerifySettings(trustedRoot(List.of(v1, twin, v2, ct)), policy,
        STALE_AFTER, Duration.ofMillis(500), KafkaTestBroker.uniqueName("verify-sequence"), Duration.ofMinutes(5))
        .withIncidentQuiet(Duration.ofMinutes(10)).withUnprovenAfter(Duration.ofMinutes(5));
    List<LogTarget> targets = List.of(LogTarget.of("rekor-v1", v1.rekorV1Url()),
        LogTarget.of("rekor-v1", twin.rekorV1Url()), LogTarget.of("rekor-v2", v2.rekorV2Url()),
        LogTarget.of("ct", ct.ctUrl()));
    Map<SigstoreSimulator, Integer> keep = Map.of(v1, 5, v2, 5, ct, 1);
    ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
    Predicate<String> ofV1 = id -> VerifySimulatorIT.owns(v1, id);
    Predicate<String> ofTwin = id -> VerifySimulatorIT.owns(twin, id);
    try (v1; twin; v2; ct; Pipeline p = new Pipeline(broker, targets, vs)) {
      keeper.scheduleWithFixedDelay(() -> keep.forEach((sim, n) -> {
        if (!held.contains(sim)) sim.grow(n);
      }), 1, 1, TimeUnit.SECONDS);
      p.await(() -> {
        assertThat(sizes(shardB::equals, "AUDITED")).anyMatch(n -> n >= 200);
        assertThat(sizes(v2Log::equals, "AUDITED")).anyMatch(n -> n >= 120);
        assertThat(sizes(ctLog::equals, "AUDITED")).anyMatch(n -> n >= 6);
        assertThat(sizes(ofTwin, "AUDITED")).isNotEmpty();
      });
      assertThat(alerts).as("no alert before the first incident").isEmpty();

      // Tamper: the next entry of each log is served with a body (CT: a leaf) that does not hash to its leaf.
      stage();
      v1.trigger(Incident.TAMPERED_NEXT_ENTRY);
      v2.trigger(Incident.TAMPERED_NEXT_ENTRY, dev.sigwatch.simulator.LogTarget.REKOR_V2);
      ct.trigger(Incident.TAMPERED_NEXT_ENTRY, dev.sigwatch.simulator.LogTarget.CT);
      p.expect(Findings.TAMPERED_ENTRIES, shardB::equals, v2Log::equals, ctLog::equals);

      // Signatures: a new head signed badly, then one signed by a key nobody trusts.
      // An RFC 6962 tree head names no key: one signed by an unknown key is a bad signature of the log's key.
      for (Incident i : List.of(Incident.BAD_SIGNATURE, Incident.UNKNOWN_KEY)) {
        String type = i == Incident.BAD_SIGNATURE ? Findings.BAD_SIGNATURE : Findings.UNKNOWN_KEY;
        hold(v1, v2, ct);
        v1.trigger(i);
        v2.trigger(i, dev.sigwatch.simulator.LogTarget.REKOR_V2);
        ct.trigger(i, dev.sigwatch.simulator.LogTarget.CT);
        p.expect(List.of(new Want(type, shardB::equals), new Want(type, v2Log::equals),
            new Want(Findings.BAD_SIGNATURE, ctLog::equals)));
        release(v1, v2, ct);
        p.healed(shardB::equals, v2Log::equals, ctLog::equals);
      }

      // Witnesses (2-of-2): one withholds its cosignature while the log grows, later one cosigns invalidly.
      stage();
      v2.trigger(Incident.WITNESS_MISSING);
      p.expect(Findings.WITNESS_POLICY, v2Log::equals);
      v2.rekorV2().witness(RekorV2Log.Witness.VALID);
      p.await(() -> assertThat(eventsOf(v2Log::equals, "INCIDENT_RESOLVED")).filteredOn(
          e -> Findings.WITNESS_POLICY.equals(e.getDetail().get("incidentType"))).hasSize(1));
      stage();
      v2.trigger(Incident.WITNESS_INVALID);
      p.expect(Findings.WITNESS_POLICY, v2Log::equals);
      v2.rekorV2().witness(RekorV2Log.Witness.VALID);
      p.await(() -> assertThat(eventsOf(v2Log::equals, "INCIDENT_RESOLVED")).filteredOn(
          e -> Findings.WITNESS_POLICY.equals(e.getDetail().get("incidentType"))).hasSize(2));

      // Split view: every other read of the head sees another root at the same size.
      hold(v1, v2, ct);
      v1.trigger(Incident.SPLIT_VIEW);
      v2.trigger(Incident.SPLIT_VIEW, dev.sigwatch.simulator.LogTarget.REKOR_V2);
      ct.trigger(Incident.SPLIT_VIEW, dev.sigwatch.simulator.LogTarget.CT);
      p.expect(Findings.SPLIT_VIEW, shardB::equals, v2Log::equals, ctLog::equals);
      v1.endSplitView(); // Rekor v2's and CT's end with the next growth
      release(v1, v2, ct);
      p.healed(shardB::equals, v2Log::equals, ctLog::equals);

      // Stale: the logs stop; after staleAfter each is one STALE_LOG alert; growing again resolves it (no alert).
      stage();
      for (SigstoreSimulator s : List.of(v1, v2, ct)) s.trigger(Incident.STALE);
      p.expect(Findings.STALE_LOG, shardB::equals, v2Log::equals, ctLog::equals);
      for (SigstoreSimulator s : List.of(v1, v2, ct)) s.resume();
      p.await(() -> {
        assertThat(eventsOf(shardB::equals, "RECOVERED")).hasSize(1);
        assertThat(eventsOf(v2Log::equals, "RECOVERED")).hasSize(1);
        assertThat(eventsOf(ctLog::equals, "RECOVERED")).hasSize(1);
      });

      // Expected rotation (Rekor v1): B frozen at its size, C active. An event, no alert.
      int before = alerts.size();
      v1.trigger(Incident.SHARD_ROTATION);
      String shardC = v1.rekorV1().origin(v1.rekorV1().active());
      p.await(() -> {
        assertThat(eventsOf(shardB::equals, "SHARD_ROTATED")).hasSize(1);
        assertThat(sizes(shardC::equals, "CHECKPOINT_VERIFIED")).anyMatch(n -> n >= 2);
      });
      assertThat(alerts).as("an expected rotation raises no alert").hasSize(before);

      // The frozen shard B changes.
      stage();
      v1.trigger(Incident.FROZEN_SHARD_CHANGE);
      p.expect(Findings.SHARD_CHANGED, shardB::equals);

      // Rollback: the head goes back one entry (a proven prefix of the verified tree).
      hold(v1, v2, ct);
      v1.trigger(Incident.ROLLBACK);
      v2.trigger(Incident.ROLLBACK, dev.sigwatch.simulator.LogTarget.REKOR_V2);
      ct.trigger(Incident.ROLLBACK, dev.sigwatch.simulator.LogTarget.CT);
      p.expect(Findings.ROLLBACK, shardC::equals, v2Log::equals, ctLog::equals);
      release(v1, v2, ct);
      p.healed(shardC::equals, v2Log::equals, ctLog::equals);

      // Fork, while each log's rollback episode is still open: its own alert, never masked by the rollback. Held and
      // audited to its head first: a log that replaces its tree while ingest still fetches the old one serves entries
      // that do not hash to the signed root (TAMPERED_ENTRIES, rightly) or tiles that never authenticate.
      hold(v1, v2, ct);
      p.await(() -> { // the heads as published now (a growth in flight when held may still publish one)
        assertThat(sizes(shardC::equals, "AUDITED")).contains(v1.rekorV1().active().head().size());
        assertThat(sizes(v2Log::equals, "AUDITED")).contains(v2.rekorV2().publishedSize());
        assertThat(sizes(ctLog::equals, "AUDITED")).contains(ct.ct().sth().size());
      });
      stage();
      v1.trigger(Incident.FORK);
      v2.trigger(Incident.FORK, dev.sigwatch.simulator.LogTarget.REKOR_V2);
      ct.trigger(Incident.FORK, dev.sigwatch.simulator.LogTarget.CT);
      p.expect(Findings.FORK, shardC::equals, v2Log::equals, ctLog::equals);
      // The forked logs grow on: the same fact, folded into the open episodes.
      release(v1, v2, ct);
      p.await(() -> {
        assertThat(eventsOf(shardC::equals, "INCIDENT_CONTINUES")).isNotEmpty();
        assertThat(eventsOf(ctLog::equals, "INCIDENT_CONTINUES")).isNotEmpty();
      });
      keeper.shutdownNow();
      // Every log read on: the honest twin audited past the last incident, so every earlier record is in.
      long last = System.currentTimeMillis();
      p.await(() -> assertThat(eventsOf(ofTwin, "AUDITED")).last()
          .satisfies(e -> assertThat(e.getAtMillis()).isGreaterThan(last)));

      Map<String, List<String>> want = new HashMap<>();
      want.put(shardA, List.of());
      want.put(shardB, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY,
          Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.SHARD_CHANGED));
      want.put(shardC, List.of(Findings.ROLLBACK, Findings.FORK));
      want.put(v2Log, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY, Findings.WITNESS_POLICY,
          Findings.WITNESS_POLICY, Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.ROLLBACK, Findings.FORK));
      want.put(ctLog, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.BAD_SIGNATURE, Findings.SPLIT_VIEW, Findings.STALE_LOG,
          Findings.ROLLBACK, Findings.FORK));
      for (Map.Entry<String, List<String>> w : want.entrySet()) {
        assertThat(alertsOf(w.getKey()::equals)).as(w.getKey()).extracting(Alert::getType)
            .containsExactlyElementsOf(w.getValue());
      }
      assertThat(alertsOf(ofTwin)).as("the honest Rekor v1 server with the same hostname").isEmpty();
      assertThat(alerts).as("no alert on any other log, nor a health alert")
          .allMatch(a -> want.containsKey(a.getLogId()) && !a.getType().equals(Findings.HEALTH));
      assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    } finally {
      keeper.shutdownNow();
    }
    // Evidence: what each alert claims, proven from signed data.
    Alert fork = only(Findings.FORK, id -> VerifySimulatorIT.owns(v1, id));
    assertThat(fork.getEvidence()).containsKeys("checkpoint", "previousCheckpoint", "proof", "root1", "root2");
    for (String log : List.of(v2Log, ctLog)) {
      assertThat(only(Findings.FORK, log::equals).getEvidence()).containsKeys("checkpoint", "proof", "root1", "root2");
      // a prefix of the verified tree: proven by the log's proof, or the root verified at that size earlier
      assertThat(only(Findings.ROLLBACK, log::equals).getEvidence().get("prefixOfVerified")).isIn("proven", "verified");
    }
    Alert split = only(Findings.SPLIT_VIEW, v2Log::equals);
    assertThat(split.getEvidence().get("root1")).isNotEqualTo(split.getEvidence().get("root2"));
    Alert tampered = only(Findings.TAMPERED_ENTRIES, ofV1);
    assertThat(tampered.getEvidence().get("signedRoot")).isNotEqualTo(tampered.getEvidence().get("computedRoot"));
    List<Alert> witness = alertsOf(v2Log::equals).stream()
        .filter(a -> a.getType().equals(Findings.WITNESS_POLICY)).toList();
    String first = policy.witnesses().get(0).id();
    assertThat(witness.get(0).getEvidence()).containsEntry("missing", first).containsEntry("invalid", "");
    assertThat(witness.get(1).getEvidence()).containsEntry("invalid", first).containsEntry("missing", "");
    assertThat(only(Findings.SHARD_CHANGED, ofV1).getSummary()).contains("frozen shard changed");
    for (Alert a : alerts) {
      if (!a.getType().equals(Findings.TAMPERED_ENTRIES)) {
        assertThat(a.getEvidence()).as(a.getType() + " on " + a.getLogId()).containsKey("checkpoint");
      }
    }
  }

  /** An alert of {@code type} expected on the log {@code log} picks. */
  record Want(String type, Predicate<String> log) {}

  java.util.stream.Stream<Alert> matching(Want w) {
    return alertsOf(w.log()).stream().filter(a -> a.getType().equals(w.type()));
  }

  /** Marks the time an incident is staged at; alerts for it must come from observations after that. */
  void stage() {
    stagedAt = System.currentTimeMillis();
    stagedIndex = alerts.size();
  }

  /** One private trusted root with the transparency and CT logs of every simulator. */
  static dev.sigwatch.core.trust.TrustedRoot trustedRoot(List<SigstoreSimulator> sims) throws Exception {
    var json = VerifySimulatorIT.JSON;
    var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(sims.get(0).trustedRoot());
    var tlogs = json.createArrayNode();
    var ctlogs = json.createArrayNode();
    for (SigstoreSimulator s : sims) {
      var r = json.readTree(s.trustedRoot());
      tlogs.addAll((com.fasterxml.jackson.databind.node.ArrayNode) r.get("tlogs"));
      ctlogs.addAll((com.fasterxml.jackson.databind.node.ArrayNode) r.get("ctlogs"));
    }
    root.set("tlogs", tlogs);
    root.set("ctlogs", ctlogs);
    return dev.sigwatch.core.trust.TrustedRoot.parse(json.writeValueAsString(root));
  }

  /** Stops the keeper growing these logs (their incident lives in the served head) and marks the time. */
  void hold(SigstoreSimulator... sims) {
    held.addAll(List.of(sims));
    stage();
  }

  void release(SigstoreSimulator... sims) {
    List.of(sims).forEach(held::remove);
  }

  Alert only(String type, Predicate<String> log) {
    List<Alert> of = alertsOf(log).stream().filter(a -> a.getType().equals(type)).toList();
    assertThat(of).as(type).hasSize(1);
    return of.get(0);
  }

  Alert lastAlert(Predicate<String> log) {
    List<Alert> of = alertsOf(log);
    return of.get(of.size() - 1);
  }

  List<Alert> alertsOf(Predicate<String> log) {
    return alerts.stream().filter(a -> a.getLogId() != null && log.test(a.getLogId())).toList();
  }

  List<LogEvent> eventsOf(Predicate<String> log, String type) {
    return events.stream().filter(e -> log.test(e.getLogId()) && e.getType().equals(type)).toList();
  }

  List<Long> sizes(Predicate<String> log, String type) {
    return eventsOf(log, type).stream().map(LogEvent::getTreeSize).toList();
  }

  /** Ingest of the targets from index 0 (polled every 200 ms) and a verify stage on the broker; reads their output. */
  final class Pipeline implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> out;
    private IngestService ingest;
    private VerifyService verify;

    Pipeline(KafkaTestBroker broker, List<LogTarget> targets, VerifySettings settings) {
      out = new KafkaConsumer<>(broker.consumerConfig(KafkaTestBroker.uniqueName("sequence-it")),
          new StringDeserializer(), new ByteArrayDeserializer());
      try {
        out.subscribe(List.of(TOPICS.alerts().name(), TOPICS.logEvents().name()));
        IngestSettings is = IngestSettings.defaults(targets).withStartMode(new StartMode.AtIndex(0))
            .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(4)
            .withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
        ingest = new IngestService(is, Map.of("bootstrap.servers", broker.bootstrapServers()), TOPICS,
            IngestMetrics.unregistered()).start();
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        verify = new VerifyService(settings, props, TOPICS);
        verify.start();
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    void poll() {
      for (ConsumerRecord<String, byte[]> r : out.poll(Duration.ofMillis(200))) {
        if (r.topic().equals(TOPICS.alerts().name())) {
          alerts.add(TOPICS.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } else {
          events.add(TOPICS.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
      }
    }

    void await(ThrowingRunnable assertion) {
      Awaitility.await().atMost(STEP_TIMEOUT).pollDelay(Duration.ZERO).untilAsserted(() -> {
        poll();
        assertion.run();
      });
    }

    /**
     * Waits until each log has one more alert of {@code type} than when called, raised after the incident was staged
     * (by its event time), and no log has any other new alert.
     */
    @SafeVarargs
    final void expect(String type, Predicate<String>... logs) {
      expect(java.util.Arrays.stream(logs).map(l -> new Want(type, l)).toList());
    }

    /** Waits until each want's log has one more alert of its type, and no other alert arrives meanwhile. */
    void expect(List<Want> wants) {
      long since = stagedAt;
      int total = stagedIndex;
      List<Long> had = new ArrayList<>();
      for (Want w : wants) {
        had.add(alerts.subList(0, total).stream().filter(a -> a.getLogId() != null && w.log().test(a.getLogId())
            && a.getType().equals(w.type())).count());
      }
      await(() -> {
        for (int i = 0; i < wants.size(); i++) {
          List<Alert> of = matching(wants.get(i)).toList();
          assertThat(of).as(wants.get(i).type()).hasSize((int) (had.get(i) + 1));
          assertThat(of.get(of.size() - 1).getCreatedAtMillis()).as(wants.get(i).type() + " raised after it was staged")
              .isGreaterThanOrEqualTo(since);
        }
      });
      assertThat(alerts.subList(total, alerts.size())).as("only the staged incidents' alerts")
          .extracting(Alert::getType).isSubsetOf(wants.stream().map(Want::type).toList())
          .hasSize(wants.size());
      wants.stream().map(Want::type).distinct().forEach(this::log);
    }

    /**
     * Waits until each log has a checkpoint verified after its latest alert: the log grew past its incident (a bad
     * signature's episode is resolved, the head moved on), so the next incident is a new fact.
     */
    @SafeVarargs
    final void healed(Predicate<String>... logs) {
      await(() -> {
        for (Predicate<String> l : logs) {
          long last = lastAlert(l).getCreatedAtMillis();
          assertThat(eventsOf(l, "CHECKPOINT_VERIFIED")).anyMatch(e -> e.getAtMillis() > last);
        }
      });
    }

    private void log(String type) {
      org.slf4j.LoggerFactory.getLogger(IncidentSequenceIT.class).info("sequence: {} raised on {}", type,
          alerts.stream().filter(a -> a.getType().equals(type)).map(Alert::getLogId).collect(Collectors.toList()));
    }

    @Override
    public void close() {
      if (verify != null) verify.close();
      if (ingest != null) {
        try {
          ingest.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.close();
    }
  }
}
