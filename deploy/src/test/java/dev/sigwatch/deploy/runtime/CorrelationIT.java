package dev.sigwatch.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.CraftedCerts;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.faults.Fault;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CT ⋈ Rekor join and the match stage's record boundary, end to end: the simulator (Rekor v1 in two shards,
 * Rekor v2, CT), ingest from index 0, verify, match, on a real embedded broker. The logs' entries are four months
 * older than the wall clock, and CT and Rekor v2 are served slowly, so Rekor v1 is read much faster than the others.
 * The alerts the join may raise are exactly those the scenario built: one certificate issued and never used
 * (UNUSED), one used in each of the frozen v1 shard and v2 without ever being logged (UNLOGGED), and none with CT
 * not configured at all. Hostile entries (a deeply nested extension, a 40 KB SAN against {@code (a|b)+}, integrated
 * times far in the future and negative) are each reported, and the entry after each is still matched.
 */
class CorrelationIT {
  static final Identity ALICE = Identity.email("alice@acme.example", "https://accounts.google.com");
  static final Identity CAROL = Identity.email("carol@acme.example", "https://accounts.google.com");
  static final Identity IDLE = Identity.email("idle@acme.example", "https://accounts.google.com");
  static final Identity BOB = Identity.email("bob@other.example", "https://accounts.google.com");
  static final Identity DAVE = Identity.email("dave@other.example", "https://accounts.google.com");
  static final String BIG_SAN = "ab".repeat(20_000) + "@big.example";

  @TempDir
  Path dir;

  /** A clock the scenario moves: four months ago, or at an instant an entry must claim. */
  static final class ScenarioClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  /** What the scenario logged, as the test knows it (the expected alerts follow from it, not from sigwatch). */
  record Scenario(Set<String> unused, Set<String> unlogged, String activeV1, List<Long> matchedAfter, Set<Long> hostile) {}

  @Test
  void withCtTheJoinAlertsExactlyWhatIsAbsentAndHostileEntriesStopNothing() throws Exception {
    withScenario("with-ct", true, (withCt, s) -> {
      assertThat(keys(withCt, "UNUSED_CERTIFICATE")).as("UNUSED").isEqualTo(s.unused());
      assertThat(keys(withCt, "UNLOGGED_CERTIFICATE")).as("UNLOGGED").isEqualTo(s.unlogged());
      assertThat(withCt).filteredOn(a -> a.path("type").asText().equals("CT_EXTRA_DATA_MISMATCH")).isEmpty();
    });
  }

  @Test
  void withoutCtNoUnloggedAndHostileEntriesStopNothing() throws Exception {
    withScenario("without-ct", false,
        (withoutCt, s) -> assertThat(withoutCt).filteredOn(a -> a.path("type").asText().startsWith("UN")).isEmpty());
  }

  interface Check {
    void check(List<JsonNode> alerts, Scenario s) throws Exception;
  }

  /** Builds the scenario in a fresh simulator, runs the pipeline over it (with or without CT), checks the alerts. */
  void withScenario(String name, boolean ct, Check check) throws Exception {
    ScenarioClock clock = new ScenarioClock();
    Instant past = Instant.now().minus(Duration.ofDays(120));
    clock.now.set(past);
    try (SigstoreSimulator sim = slow(SigstoreSimulator.builder().port(0).clock(clock).ctMaxEntries(4).build().start())) {
      Scenario s = build(sim, clock, past);
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      check.check(run(sim, trustedRoot, name, ct, s), s);
    }
  }

  /** CT and Rekor v2 answer slowly; Rekor v1 is read at full speed. */
  static SigstoreSimulator slow(SigstoreSimulator sim) {
    sim.inject(Fault.withProbability(1.0, Fault.Kind.SLOW, "/ct/ct/v1/get-entries").withDelay(Duration.ofMillis(700)));
    sim.inject(Fault.withProbability(1.0, Fault.Kind.SLOW, "/rekor2/api/v2/tile/entries").withDelay(Duration.ofMillis(700)));
    return sim;
  }

  /** Runs the whole pipeline until every expected alert is there and nothing more comes; returns every alert. */
  List<JsonNode> run(SigstoreSimulator sim, Path trustedRoot, String name, boolean ct, Scenario s) throws Exception {
    Path out = dir.resolve(name + "-alerts.jsonl");
    List<LogSettings> logs = new ArrayList<>(List.of(new LogSettings("rekor-v1", sim.rekorV1Url(), null, null),
        new LogSettings("rekor-v2", sim.rekorV2Url(), null, null)));
    if (ct) logs.add(new LogSettings("ct", sim.ctUrl(), null, null));
    MonitoredValues watch = new MonitoredValues(List.of(
        new MonitoredValues.CertIdentity("^(alice|carol|idle|crafted)@acme\\.example$", List.of()),
        new MonitoredValues.CertIdentity("^(a|b)+@big\\.example$", List.of())), null, null, null, null, null);
    SigwatchConfig cfg = new SigwatchConfig(dir.resolve(name), new KafkaSettings(null, null, null, null, null),
        trustedRoot, null, logs, new AlertSettings(out), new MetricsSettings(0, null), null,
        new IngestConfigSection(500L, 2, 1000.0, "0"), watch, ApiConfigSection.DISABLED, null);
    AtomicReference<Pipeline> started = new AtomicReference<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        Pipeline.runUntilStopped(cfg, "correlation-it", Duration.ofMinutes(8), started::set);
      } catch (Throwable e) {
        failed.set(e);
      }
    }, "correlation-it-" + name);
    t.start();
    try {
      List<JsonNode> alerts = new ArrayList<>();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        assertThat(failed.get()).isNull();
        alerts.clear();
        alerts.addAll(read(out));
        Set<Long> matched = new HashSet<>();
        alerts.stream().filter(a -> a.path("type").asText().equals("IDENTITY_MATCH"))
            .filter(a -> a.path("logId").asText().equals(s.activeV1()))
            .forEach(a -> matched.add(a.path("logIndex").asLong()));
        return matched.containsAll(s.matchedAfter()) && reported(alerts, s.activeV1()).containsAll(s.hostile())
            && (!ct || (keys(alerts, "UNUSED_CERTIFICATE").containsAll(s.unused())
                && keys(alerts, "UNLOGGED_CERTIFICATE").containsAll(s.unlogged())));
      });
      // Nothing more for a while: exactly what was expected (without CT, the join had every chance to misfire).
      await().during(Duration.ofSeconds(ct ? 10 : 20)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            List<JsonNode> now = read(out);
            boolean same = now.stream().filter(a -> a.path("type").asText().startsWith("UN")).count()
                == alerts.stream().filter(a -> a.path("type").asText().startsWith("UN")).count();
            alerts.clear();
            alerts.addAll(now);
            return same;
          });
      return read(out);
    } finally {
      Pipeline p = started.get();
      if (p != null) p.stop();
      t.join(Duration.ofMinutes(1).toMillis());
    }
  }

  /** Log indexes with an alert that reports the entry (MALFORMED_ENTRY, LOOKALIKE or IDENTITY_MATCH). */
  static Set<Long> reported(List<JsonNode> alerts, String logId) {
    Set<Long> out = new HashSet<>();
    alerts.stream().filter(a -> a.path("logId").asText().equals(logId)).filter(a -> Set.of("MALFORMED_ENTRY", "LOOKALIKE", "IDENTITY_MATCH").contains(a.path("type").asText()))
        .forEach(a -> out.add(a.path("logIndex").asLong()));
    return out;
  }

  /** The TBS hashes of the alerts of {@code type}. */
  static Set<String> keys(List<JsonNode> alerts, String type) {
    Set<String> out = new HashSet<>();
    alerts.stream().filter(a -> a.path("type").asText().equals(type))
        .forEach(a -> out.add(a.path("evidence").path("tbsHash").asText()));
    return out;
  }

  static List<JsonNode> read(Path file) throws Exception {
    if (!Files.exists(file)) return List.of();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    // The pipeline appends to the file while tests read it: only complete lines (up to the last newline) count.
    // (Bytes first: a half-written UTF-8 character at the end must not fail the decode.)
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length - 1;
    while (end >= 0 && bytes[end] != '\n') end--;
    if (end < 0) return out;
    for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) out.add(json.readTree(line));
    }
    return out;
  }

  /** The scenario, logged four months ago (the hostile entries excepted, which claim other times). */
  static Scenario build(SigstoreSimulator sim, ScenarioClock clock, Instant past) throws Exception {
    SimCa ca = sim.ca();
    AtomicLong artifact = new AtomicLong();
    Set<String> unused = new HashSet<>();
    Set<String> unlogged = new HashSet<>();
    List<Long> matchedAfter = new ArrayList<>();
    Set<Long> hostile = new HashSet<>();
    // Shard 1 of Rekor v1, frozen below: alice issued and used; bob used and never logged in CT.
    IssuedCert alice = ca.issue(ALICE, clock.instant(), List.of(sim.ct()));
    v1(sim, alice.certificate(), alice, artifact);
    IssuedCert bob = ca.issue(BOB, clock.instant(), List.of());
    v1(sim, bob.certificate(), bob, artifact);
    unlogged.add(tbs(bob));
    sim.grow(20);
    sim.rekorV1().rotate();
    clock.now.set(past.plus(Duration.ofMinutes(30)));
    // Rekor v2 only: carol issued and used there (read slowly: no UNUSED while it lags); dave used, never logged.
    IssuedCert carol = ca.issue(CAROL, clock.instant(), List.of(sim.ct()));
    v2(sim, carol, artifact);
    IssuedCert dave = ca.issue(DAVE, clock.instant(), List.of());
    v2(sim, dave, artifact);
    unlogged.add(tbs(dave));
    // Issued, never used anywhere.
    IssuedCert idle = ca.issue(IDLE, clock.instant(), List.of(sim.ct()));
    unused.add(tbs(idle));
    // Hostile entries in the active v1 shard, each followed by a use of alice's certificate.
    X509Certificate crafted = CraftedCerts.selfSigned("crafted@acme.example", 3000, clock.instant());
    hostile.add(v1(sim, crafted, null, artifact));
    matchedAfter.add(v1(sim, alice.certificate(), alice, artifact));
    IssuedCert big = ca.issue(new Identity(Identity.SanType.EMAIL, BIG_SAN, "https://accounts.google.com",
        java.util.Map.of()), clock.instant(), List.of(sim.ct()));
    hostile.add(v1(sim, big.certificate(), big, artifact));
    matchedAfter.add(v1(sim, alice.certificate(), alice, artifact));
    Instant resume = clock.instant();
    clock.now.set(Instant.now().plus(Duration.ofDays(3650)));
    hostile.add(v1(sim, alice.certificate(), alice, artifact));
    clock.now.set(resume);
    matchedAfter.add(v1(sim, alice.certificate(), alice, artifact));
    clock.now.set(Instant.ofEpochSecond(-5));
    hostile.add(v1(sim, alice.certificate(), alice, artifact));
    clock.now.set(resume);
    matchedAfter.add(v1(sim, alice.certificate(), alice, artifact));
    sim.grow(30);
    return new Scenario(unused, unlogged, sim.rekorV1().origin(sim.rekorV1().active()), matchedAfter, hostile);
  }

  /** Logs a hashedrekord signed by {@code signer}'s key (or a dummy signature) with {@code cert}; its log index. */
  static long v1(SigstoreSimulator sim, X509Certificate cert, IssuedCert signer, AtomicLong artifact) {
    byte[] digest = sha256("artifact-" + artifact.incrementAndGet());
    byte[] sig = signer == null ? new byte[] {1, 2, 3} : V1Bodies.signDigest(signer.subjectKey().getPrivate(), digest);
    long index = sim.rekorV1().append(V1Bodies.template(V1Bodies.Kind.HASHEDREKORD_CERT, cert, null, sig), digest);
    sim.rekorV1().publish();
    return index;
  }

  static void v2(SigstoreSimulator sim, IssuedCert c, AtomicLong artifact) {
    byte[] digest = sha256("artifact-" + artifact.incrementAndGet());
    sim.rekorV2().append(RekorV2Log.template(c.certificate(), V1Bodies.signDigest(c.subjectKey().getPrivate(), digest)),
        digest);
    sim.rekorV2().publish();
  }

  static String tbs(IssuedCert c) throws Exception {
    return dev.sigwatch.core.ct.PrecertTbs.tbsHash(dev.sigwatch.core.ct.PrecertTbs.fromFinalCertificate(c.certificate()));
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
