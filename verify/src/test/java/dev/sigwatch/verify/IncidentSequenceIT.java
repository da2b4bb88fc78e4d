package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Alert;
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
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's sequence: each log family goes through every incident it can have, a few seconds apart, on the real
 * broker (simulator → ingest → verify), as a new user's private instance would: a Rekor v1 server whose hostname is
 * unlike its URL (and a second, honest Rekor v1 server with the same hostname), a Rekor v2 log whose URL has a port and
 * a path and whose origin is its hostname, witnessed by two witnesses under a 2-of-2 policy, an RFC 6962 CT log and a
 * static-ct-api log (its checkpoint origin the submission prefix without scheme, its tree in tiles, its data tiles'
 * leaves naming their index), a trusted root of their own, entries four months older than the clock, every log read
 * from index 0 and each growing at its own pace.
 *
 * <p>Each incident must raise its own alert, of its type, on its log, after it was staged, with its evidence, before
 * the next one is staged; at the end each log's alerts are exactly the multiset of its incidents: nothing missed,
 * nothing extra (an expected rotation and the recoveries raise none; repeats of one fact fold into one episode; a
 * rollback's open episode does not mask the fork that follows it). Sequence (Rekor v1: shards A frozen, B active, then
 * C after the rotation): tamper, bad signature, unknown key (RFC 6962 CT: a bad signature, its tree head names no key;
 * static-ct: an unknown key, its note names the key), witness missing and invalid (v2), split view, stale (then growth
 * again), expected rotation (v1: B frozen, C active, no alert), frozen-shard change (v1, on B), rollback, fork.
 *
 * <p>Between incidents a keeper grows every log each second, so no log idles past the short {@code staleAfter}; a log
 * whose incident lives in its served head is held (not grown) until verify has alerted on it, then grown, which ends
 * the incident as a recovering log would. Both CT logs are one simulator's: they grow, are held and go stale together.
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
  static final dev.sigwatch.simulator.LogTarget V2 = dev.sigwatch.simulator.LogTarget.REKOR_V2;
  static final dev.sigwatch.simulator.LogTarget CT = dev.sigwatch.simulator.LogTarget.CT;
  static final dev.sigwatch.simulator.LogTarget STATIC_CT = dev.sigwatch.simulator.LogTarget.STATIC_CT;

  @TempDir Path stateDir;
  final Set<SigstoreSimulator> held = ConcurrentHashMap.newKeySet();
  SimulatedPipeline p;
  /** When the incident being awaited was staged, and how many alerts had arrived then (set by {@link #stage}). */
  volatile long stagedAt;
  volatile int stagedIndex;

  @Test
  @org.junit.jupiter.api.Timeout(value = 12, unit = TimeUnit.MINUTES) // about 3 minutes; 6 at a load of 40
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
    for (int i = 0; i < 6; i++) ct.grow(1); // one certificate (an entry of each CT log) per grow
    String shardA = v1.rekorV1().origin(v1.rekorV1().inactive().get(0));
    String shardB = v1.rekorV1().origin(v1.rekorV1().active());
    String v2Log = v2.rekorV2Url().replaceFirst("^https?://", ""); // a Rekor v2 log id is its URL
    String ctLog = ct.ctUrl().replaceFirst("^https?://", "");
    String staticLog = ct.staticCtUrl().replaceFirst("^https?://", "");
    assertThat(shardA).startsWith(SHARED_HOSTNAME + " - ");
    assertThat(twin.rekorV1().origin(twin.rekorV1().active())).startsWith(SHARED_HOSTNAME + " - ");
    assertThat(v2.rekorV2Url()).matches("https?://[^/]+:\\d+/.+");
    assertThat(v2.rekorV2().origin()).isEqualTo(java.net.URI.create(v2.rekorV2Url()).getHost());
    assertThat(ct.staticCt().origin()).as("static-ct-api: the submission prefix without scheme").isEqualTo(staticLog);

    WitnessPolicy policy = WitnessPolicy.ofVkeys(v2.rekorV2().witnessVkeys(), 2);
    VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(List.of(v1, twin, v2, ct)), policy,
        STALE_AFTER, Duration.ofMillis(500), KafkaTestBroker.uniqueName("verify-sequence"), Duration.ofMinutes(5))
        .withIncidentQuiet(Duration.ofMinutes(10)).withUnprovenAfter(Duration.ofMinutes(5));
    List<LogTarget> targets = List.of(LogTarget.of("rekor-v1", v1.rekorV1Url()),
        LogTarget.of("rekor-v1", twin.rekorV1Url()), LogTarget.of("rekor-v2", v2.rekorV2Url()),
        LogTarget.of("ct", ct.ctUrl()), LogTarget.of("static-ct", ct.staticCtUrl()));
    Map<SigstoreSimulator, Integer> keep = Map.of(v1, 5, v2, 5, ct, 1);
    ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
    Predicate<String> ofV1 = id -> VerifySimulatorIT.owns(v1, id);
    Predicate<String> ofTwin = id -> VerifySimulatorIT.owns(twin, id);
    Predicate<String> isV2 = v2Log::equals;
    Predicate<String> isCt = ctLog::equals;
    Predicate<String> isStatic = staticLog::equals;
    try (v1; twin; v2; ct;
        SimulatedPipeline pipeline = p = new SimulatedPipeline(broker, TOPICS, targets, vs, stateDir, 0, STEP_TIMEOUT)) {
      keeper.scheduleWithFixedDelay(() -> keep.forEach((sim, n) -> {
        if (!held.contains(sim)) sim.grow(n);
      }), 1, 1, TimeUnit.SECONDS);
      p.await(() -> {
        assertThat(p.sizes(shardB::equals, "AUDITED")).anyMatch(n -> n >= 200);
        assertThat(p.sizes(isV2, "AUDITED")).anyMatch(n -> n >= 120);
        assertThat(p.sizes(isCt, "AUDITED")).anyMatch(n -> n >= 6);
        assertThat(p.sizes(isStatic, "AUDITED")).anyMatch(n -> n >= 6);
        assertThat(p.sizes(ofTwin, "AUDITED")).isNotEmpty();
      });
      assertThat(p.alerts).as("no alert before the first incident").isEmpty();

      // Tamper: the next entry of each log is served with a body (CT: a leaf) that does not hash to its leaf.
      stage();
      v1.trigger(Incident.TAMPERED_NEXT_ENTRY);
      v2.trigger(Incident.TAMPERED_NEXT_ENTRY, V2);
      ct.trigger(Incident.TAMPERED_NEXT_ENTRY, CT);
      ct.trigger(Incident.TAMPERED_NEXT_ENTRY, STATIC_CT);
      expect(Findings.TAMPERED_ENTRIES, shardB::equals, isV2, isCt, isStatic);

      // Signatures: a new head signed badly, then one signed by a key nobody trusts (the same tree re-signed on CT).
      // An RFC 6962 tree head names no key: one signed by an unknown key is a bad signature of the log's key.
      for (Incident i : List.of(Incident.BAD_SIGNATURE, Incident.UNKNOWN_KEY)) {
        String type = i == Incident.BAD_SIGNATURE ? Findings.BAD_SIGNATURE : Findings.UNKNOWN_KEY;
        hold(v1, v2, ct);
        v1.trigger(i);
        v2.trigger(i, V2);
        ct.trigger(i, CT);
        ct.trigger(i, STATIC_CT);
        expect(List.of(new Want(type, shardB::equals), new Want(type, isV2),
            new Want(Findings.BAD_SIGNATURE, isCt), new Want(type, isStatic)));
        release(v1, v2, ct);
        healed(shardB::equals, isV2, isCt, isStatic);
      }

      // Witnesses (2-of-2): one withholds its cosignature while the log grows, later one cosigns invalidly.
      for (Incident i : List.of(Incident.WITNESS_MISSING, Incident.WITNESS_INVALID)) {
        stage();
        v2.trigger(i);
        expect(Findings.WITNESS_POLICY, isV2);
        v2.rekorV2().witness(RekorV2Log.Witness.VALID);
        int n = i == Incident.WITNESS_MISSING ? 1 : 2;
        p.await(() -> assertThat(p.eventsOf(isV2, "INCIDENT_RESOLVED")).filteredOn(
            e -> Findings.WITNESS_POLICY.equals(e.getDetail().get("incidentType"))).hasSize(n));
      }

      // Split view: every other read of the head sees another root at the same size.
      hold(v1, v2, ct);
      v1.trigger(Incident.SPLIT_VIEW);
      v2.trigger(Incident.SPLIT_VIEW, V2);
      ct.trigger(Incident.SPLIT_VIEW, CT);
      ct.trigger(Incident.SPLIT_VIEW, STATIC_CT);
      expect(Findings.SPLIT_VIEW, shardB::equals, isV2, isCt, isStatic);
      v1.endSplitView(); // Rekor v2's and CT's end with the next growth
      release(v1, v2, ct);
      healed(shardB::equals, isV2, isCt, isStatic);

      // Stale: the logs stop; after staleAfter each is one STALE_LOG alert; growing again resolves it (no alert).
      stage();
      for (SigstoreSimulator s : List.of(v1, v2, ct)) s.trigger(Incident.STALE);
      expect(Findings.STALE_LOG, shardB::equals, isV2, isCt, isStatic);
      for (SigstoreSimulator s : List.of(v1, v2, ct)) s.resume();
      p.await(() -> {
        for (Predicate<String> l : List.<Predicate<String>>of(shardB::equals, isV2, isCt, isStatic)) {
          assertThat(p.eventsOf(l, "RECOVERED")).hasSize(1);
        }
      });

      // Expected rotation (Rekor v1): B frozen at its size, C active. An event, no alert.
      int before = p.alerts.size();
      v1.trigger(Incident.SHARD_ROTATION);
      String shardC = v1.rekorV1().origin(v1.rekorV1().active());
      p.await(() -> {
        assertThat(p.eventsOf(shardB::equals, "SHARD_ROTATED")).hasSize(1);
        assertThat(p.sizes(shardC::equals, "CHECKPOINT_VERIFIED")).anyMatch(n -> n >= 2);
      });
      assertThat(p.alerts).as("an expected rotation raises no alert").hasSize(before);

      // The frozen shard B changes.
      stage();
      v1.trigger(Incident.FROZEN_SHARD_CHANGE);
      expect(Findings.SHARD_CHANGED, shardB::equals);

      // Rollback: the head goes back one entry (a proven prefix of the verified tree).
      hold(v1, v2, ct);
      v1.trigger(Incident.ROLLBACK);
      v2.trigger(Incident.ROLLBACK, V2);
      ct.trigger(Incident.ROLLBACK, CT);
      ct.trigger(Incident.ROLLBACK, STATIC_CT);
      expect(Findings.ROLLBACK, shardC::equals, isV2, isCt, isStatic);
      release(v1, v2, ct);
      healed(shardC::equals, isV2, isCt, isStatic);

      // Fork, while each log's rollback episode is still open: its own alert, never masked by the rollback. Held and
      // audited to its head first: a Rekor v1 or RFC 6962 log that replaces its tree while ingest still fetches the
      // old one serves entries that do not hash to the signed root (TAMPERED_ENTRIES, rightly).
      hold(v1, v2, ct);
      p.await(() -> { // the heads as published now (a growth in flight when held may still publish one)
        assertThat(p.sizes(shardC::equals, "AUDITED")).contains(v1.rekorV1().active().head().size());
        assertThat(p.sizes(isV2, "AUDITED")).contains(v2.rekorV2().publishedSize());
        assertThat(p.sizes(isCt, "AUDITED")).contains(ct.ct().sth().size());
        assertThat(p.sizes(isStatic, "AUDITED")).contains(ct.staticCt().sth().size());
      });
      stage();
      v1.trigger(Incident.FORK);
      v2.trigger(Incident.FORK, V2);
      ct.trigger(Incident.FORK, CT);
      ct.trigger(Incident.FORK, STATIC_CT);
      expect(Findings.FORK, shardC::equals, isV2, isCt, isStatic);
      // The forked logs grow on: the same fact, folded into the open episodes.
      release(v1, v2, ct);
      p.await(() -> {
        assertThat(p.eventsOf(shardC::equals, "INCIDENT_CONTINUES")).isNotEmpty();
        assertThat(p.eventsOf(isCt, "INCIDENT_CONTINUES")).isNotEmpty();
      });
      keeper.shutdownNow();
      // Every log read on: the honest twin audited past the last incident, so every earlier record is in.
      long last = System.currentTimeMillis();
      p.await(() -> assertThat(p.eventsOf(ofTwin, "AUDITED")).last()
          .satisfies(e -> assertThat(e.getAtMillis()).isGreaterThan(last)));

      Map<String, List<String>> want = new HashMap<>();
      want.put(shardA, List.of());
      want.put(shardB, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY,
          Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.SHARD_CHANGED));
      want.put(shardC, List.of(Findings.ROLLBACK, Findings.FORK));
      want.put(v2Log, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY,
          Findings.WITNESS_POLICY, Findings.WITNESS_POLICY, Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.ROLLBACK,
          Findings.FORK));
      want.put(ctLog, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.BAD_SIGNATURE,
          Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.ROLLBACK, Findings.FORK));
      want.put(staticLog, List.of(Findings.TAMPERED_ENTRIES, Findings.BAD_SIGNATURE, Findings.UNKNOWN_KEY,
          Findings.SPLIT_VIEW, Findings.STALE_LOG, Findings.ROLLBACK, Findings.FORK));
      for (Map.Entry<String, List<String>> w : want.entrySet()) {
        assertThat(p.alertsOf(w.getKey()::equals)).as(w.getKey()).extracting(Alert::getType)
            .containsExactlyElementsOf(w.getValue());
      }
      assertThat(p.alertsOf(ofTwin)).as("the honest Rekor v1 server with the same hostname").isEmpty();
      assertThat(p.alerts).as("no alert on any other log, nor a health alert")
          .allMatch(a -> want.containsKey(a.getLogId()) && !a.getType().equals(Findings.HEALTH));
      assertThat(p.alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    } finally {
      keeper.shutdownNow();
    }
    // Evidence: what each alert claims, proven from signed data.
    Alert fork = only(Findings.FORK, ofV1);
    assertThat(fork.getEvidence()).containsKeys("checkpoint", "previousCheckpoint", "proof", "root1", "root2");
    for (String log : List.of(v2Log, ctLog, staticLog)) {
      assertThat(only(Findings.FORK, log::equals).getEvidence()).containsKeys("checkpoint", "proof", "root1", "root2");
      // a prefix of the verified tree: proven by the log's proof, or the root verified at that size earlier
      assertThat(only(Findings.ROLLBACK, log::equals).getEvidence().get("prefixOfVerified")).isIn("proven", "verified");
    }
    for (String log : List.of(v2Log, staticLog)) {
      Alert split = only(Findings.SPLIT_VIEW, log::equals);
      assertThat(split.getEvidence().get("root1")).isNotEqualTo(split.getEvidence().get("root2"));
    }
    Alert tampered = only(Findings.TAMPERED_ENTRIES, ofV1);
    assertThat(tampered.getEvidence().get("signedRoot")).isNotEqualTo(tampered.getEvidence().get("computedRoot"));
    List<Alert> witness = p.alertsOf(isV2).stream().filter(a -> a.getType().equals(Findings.WITNESS_POLICY)).toList();
    String first = policy.witnesses().get(0).id();
    assertThat(witness.get(0).getEvidence()).containsEntry("missing", first).containsEntry("invalid", "");
    assertThat(witness.get(1).getEvidence()).containsEntry("invalid", first).containsEntry("missing", "");
    assertThat(only(Findings.SHARD_CHANGED, ofV1).getSummary()).contains("frozen shard changed");
    for (Alert a : p.alerts) {
      if (!a.getType().equals(Findings.TAMPERED_ENTRIES)) {
        assertThat(a.getEvidence()).as(a.getType() + " on " + a.getLogId()).containsKey("checkpoint");
      }
    }
  }

  /** An alert of {@code type} expected on the log {@code log} picks. */
  record Want(String type, Predicate<String> log) {}

  /** Marks the time an incident is staged at; alerts for it must come from observations after that. */
  void stage() {
    stagedAt = System.currentTimeMillis();
    stagedIndex = p.alerts.size();
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
    List<Alert> of = p.alertsOf(log).stream().filter(a -> a.getType().equals(type)).toList();
    assertThat(of).as(type).hasSize(1);
    return of.get(0);
  }

  /**
   * Waits until each log has one more alert of {@code type} than when the incident was staged, raised after it was
   * staged, and no log has any other new alert.
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
      had.add(p.alerts.subList(0, total).stream().filter(a -> a.getLogId() != null && w.log().test(a.getLogId())
          && a.getType().equals(w.type())).count());
    }
    p.await(() -> {
      for (int i = 0; i < wants.size(); i++) {
        Want w = wants.get(i);
        List<Alert> of = p.alertsOf(w.log()).stream().filter(a -> a.getType().equals(w.type())).toList();
        assertThat(of).as(w.type()).hasSize((int) (had.get(i) + 1));
        assertThat(of.get(of.size() - 1).getCreatedAtMillis()).as(w.type() + " raised after it was staged")
            .isGreaterThanOrEqualTo(since);
      }
    });
    assertThat(p.alerts.subList(total, p.alerts.size())).as("only the staged incidents' alerts")
        .extracting(Alert::getType).isSubsetOf(wants.stream().map(Want::type).toList())
        .hasSize(wants.size());
    wants.stream().map(Want::type).distinct().forEach(type -> LoggerFactory.getLogger(IncidentSequenceIT.class)
        .info("sequence: {} raised on {}", type, p.alerts.stream().filter(a -> a.getType().equals(type))
            .map(Alert::getLogId).toList()));
  }

  /**
   * Waits until each log has a checkpoint verified after its latest alert: the log grew past its incident (a bad
   * signature's episode is resolved, the head moved on), so the next incident is a new fact.
   */
  @SafeVarargs
  final void healed(Predicate<String>... logs) {
    p.await(() -> {
      for (Predicate<String> l : logs) {
        List<Alert> of = p.alertsOf(l);
        long last = of.get(of.size() - 1).getCreatedAtMillis();
        assertThat(p.eventsOf(l, "CHECKPOINT_VERIFIED")).anyMatch(e -> e.getAtMillis() > last);
      }
    });
  }
}
