package dev.sigwatch.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.deploy.TopicContents;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.AlertStores;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.verify.VerifySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16's proof that exactly-once holds across a real cluster: a 3-node KRaft cluster of separate JVMs
 * (replication 3, {@code min.insync.replicas} 2), and sigwatch's stages as separate JVMs from the packaged jar —
 * ingest, two verify, two match, alert — against the simulator (Rekor v1 and v2). Mid-stream, one broker and one
 * instance of every stage are killed with SIGKILL while the logs keep growing, then restarted. Afterwards: every
 * entry of both logs is audited, every expected IDENTITY_MATCH is on {@code sigwatch.alerts} exactly once (no
 * duplicate id, no missing index) and in the alert store exactly once, no integrity alert was raised, and the verify
 * and match consumer groups hold both instances.
 */
class ClusterIT {
  private static final Logger log = LoggerFactory.getLogger(ClusterIT.class);
  private static final Identity WATCHED = Identity.email("cluster-release@acme.example", "https://accounts.google.com");
  private static final Set<String> ALLOWED_TYPES = Set.of("IDENTITY_MATCH", "HEALTH");

  /** Kept when the test fails (every process's log is there), deleted when it passes. */
  private Path dir;
  private boolean passed;
  private final Map<String, Process> stages = new LinkedHashMap<>();
  private ProcessCluster cluster;

  @BeforeEach
  void workDir() throws IOException {
    dir = Files.createTempDirectory("sigwatch-cluster-it-");
  }

  @AfterEach
  void stopAll() throws Exception {
    stages.values().forEach(Process::destroyForcibly);
    if (cluster != null) cluster.close();
    if (passed) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } else {
      log.error("ClusterIT failed: the logs of every broker and stage are in {}", dir);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // nine JVMs on two cores: ~4 min on a quiet machine
  void everyEntryAuditedAndEveryAlertExactlyOnceAcrossBrokerAndStageKills() throws Exception {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    long t0 = System.nanoTime();
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      Map<String, Set<Long>> expected = new HashMap<>(Map.of("v1", new TreeSet<>(), "v2", new TreeSet<>()));
      sim.grow(40);
      for (int i = 0; i < 3; i++) {
        identity(sim, expected);
        sim.grow(15);
      }
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));

      cluster = new ProcessCluster(Files.createDirectories(dir.resolve("kafka")), jar, 3).start();
      String bootstrap = cluster.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
            .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3);
      }
      log.info("cluster of 3 up at {} after {} s", bootstrap, secs(t0));

      for (String stage : List.of("ingest", "verify-a", "verify-b", "match-a", "match-b", "alert")) {
        start(stage, jar, config(stage, bootstrap, trustedRoot, sim));
      }
      Topics topics = Topics.create(SerdeConfig.embedded());
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
          .until(() -> identityAlerts(bootstrap, topics).size() >= 2);
      log.info("first alerts after {} s; killing broker 2 and one instance of each stage", secs(t0));

      // Mid-stream: the logs grow, and one broker plus one instance of every stage die without warning.
      identity(sim, expected);
      sim.grow(20);
      cluster.kill(1);
      for (String stage : List.of("ingest", "verify-a", "match-a", "alert")) kill(stage);
      identity(sim, expected);
      sim.grow(20);
      // The cluster runs on without broker 2 (the others see it gone) before anything comes back.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 2);
      }
      cluster.startNode(1);
      for (String stage : List.of("ingest", "verify-a", "match-a", "alert")) {
        start(stage, jar, config(stage, bootstrap, trustedRoot, sim));
      }
      for (int i = 0; i < 3; i++) {
        identity(sim, expected);
        sim.grow(10);
      }
      long v1Size = sim.rekorV1().active().tree().size();
      long v2Size = sim.rekorV2().publishedSize();
      int want = expected.get("v1").size() + expected.get("v2").size();

      // Every expected identity alert, each exactly once, on both logs; every entry audited.
      await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(3))
          .until(() -> identityAlerts(bootstrap, topics).size() >= want
              && audited(bootstrap, topics).values().stream().sorted().toList().equals(
                  List.of(Math.min(v1Size, v2Size), Math.max(v1Size, v2Size))));
      log.info("all {} identity alerts and both audits complete after {} s", want, secs(t0));
      List<Alert> alerts = all(bootstrap, topics.alerts());
      Map<String, Long> byId = alerts.stream().collect(Collectors.groupingBy(a -> a.getAlertId().toString(),
          TreeMap::new, Collectors.counting()));
      assertThat(byId).as("each alert id once on sigwatch.alerts").allSatisfy((id, n) -> assertThat(n).isOne());
      assertThat(alerts.stream().map(a -> a.getType().toString()).collect(Collectors.toSet()))
          .as("no integrity alert from broker or stage kills").isSubsetOf(ALLOWED_TYPES);
      Map<String, Set<Long>> indices = new TreeMap<>();
      for (Alert a : identityAlerts(bootstrap, topics)) {
        indices.computeIfAbsent(a.getLogId().toString(), k -> new TreeSet<>()).add(a.getLogIndex());
      }
      assertThat(indices).hasSize(2);
      assertThat(new ArrayList<>(indices.values())).containsExactlyInAnyOrder(expected.get("v1"), expected.get("v2"));
      assertThat(identityAlerts(bootstrap, topics)).hasSize(want);

      // The alert store (SQLite of the alert process, killed once) holds each of them exactly once.
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
          .until(() -> storedIdentityAlerts().size() >= want);
      List<StoredAlert> stored = storedIdentityAlerts();
      assertThat(stored).hasSize(want);
      assertThat(stored.stream().map(StoredAlert::alertId).collect(Collectors.toSet())).hasSize(want)
          .isEqualTo(identityAlerts(bootstrap, topics).stream().map(a -> a.getAlertId().toString())
              .collect(Collectors.toSet()));

      // Both verify and both match instances are members of their groups again, and between them they hold every
      // partition of the entry topics (an instance may hold only standby or internal tasks).
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        for (String group : List.of(VerifySettings.DEFAULT_APPLICATION_ID, MatchSettings.DEFAULT_APPLICATION_ID)) {
          AtomicReference<ConsumerGroupDescription> last = new AtomicReference<>();
          try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
              ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
              last.set(d);
              Set<String> held = d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                  .map(TopicPartition::toString).collect(Collectors.toSet());
              return d.members().size() == 2 && held.containsAll(List.of(
                  "sigwatch.rekor.entries-0", "sigwatch.rekor.entries-1", "sigwatch.rekor.entries-2"));
            });
          } catch (ConditionTimeoutException e) {
            throw new AssertionError("group " + group + " did not settle with both instances: " + last.get(), e);
          }
          log.info("group {}: {}", group, last.get().members().stream().map(MemberDescription::assignment).toList());
        }
      }
      log.info("ClusterIT done in {} s", secs(t0));
      passed = true;
    }
  }

  /** Logs a signature by the watched identity to both Rekor logs; records the index it gets in each. */
  private static void identity(SigstoreSimulator sim, Map<String, Set<Long>> expected) {
    sim.addIdentity(WATCHED);
    expected.get("v1").add(sim.rekorV1().active().tree().size() - 1);
    expected.get("v2").add(sim.rekorV2().publishedSize() - 1);
  }

  private Path config(String stage, String bootstrap, Path trustedRoot, SigstoreSimulator sim) throws IOException {
    Path stageDir = Files.createDirectories(dir.resolve(stage));
    Path cfg = stageDir.resolve("sigwatch.yaml");
    if (Files.exists(cfg)) return cfg; // a restart uses the same config and data directory
    Files.writeString(cfg, String.join("\n",
        "dataDir: " + stageDir.resolve("data"),
        "kafka:",
        "  bootstrapServers: " + bootstrap,
        "  replicationFactor: 3",
        // A member killed with SIGKILL leaves its group only when its session times out (45 s by default); the
        // restarted instance's rebalance waits for that. A shorter session (a production choice too) lets the groups
        // settle sooner after each kill; the kill and the recovery are the same.
        "  properties: {session.timeout.ms: \"10000\", heartbeat.interval.ms: \"2000\"}",
        "trustedRoot: " + trustedRoot,
        "logs:",
        "  - {type: rekor-v1, url: \"" + sim.rekorV1Url() + "\"}",
        "  - {type: rekor-v2, url: \"" + sim.rekorV2Url() + "\"}",
        "ingest: {pollIntervalMs: 500, inFlight: 4, requestsPerSecond: 1000, startAt: \"0\"}",
        "metrics: {port: " + ProcessCluster.freePort() + "}",
        "api: {enabled: false}",
        "monitoredValues:",
        "  certIdentities:",
        "    - certSubject: ^cluster-release@acme\\.example$",
        ""));
    return cfg;
  }

  private void start(String stage, Path jar, Path config) throws IOException {
    String command = stage.replaceAll("-[ab]$", "");
    Path logFile = dir.resolve(stage + ".log");
    stages.put(stage, new ProcessBuilder(ProcessCluster.java(), "-Xmx384m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), command, "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start());
  }

  private void kill(String stage) throws InterruptedException {
    Process p = stages.get(stage);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private List<StoredAlert> storedIdentityAlerts() {
    try (AlertStore store = AlertStores.sqlite(dir.resolve("alert").resolve("data"))) {
      List<StoredAlert> out = new ArrayList<>();
      AlertQuery q = AlertQuery.builder().types(Set.of("IDENTITY_MATCH")).limit(AlertQuery.MAX_LIMIT).build();
      Page<StoredAlert> page = store.alerts(q);
      out.addAll(page.items());
      while (page.nextCursor() != null) {
        page = store.alerts(q.after(page.nextCursor()));
        out.addAll(page.items());
      }
      return out;
    }
  }

  private static List<Alert> identityAlerts(String bootstrap, Topics topics) {
    return all(bootstrap, topics.alerts()).stream().filter(a -> a.getType().toString().equals("IDENTITY_MATCH"))
        .toList();
  }

  /** The largest tree size verify reported AUDITED, per log. */
  private static Map<String, Long> audited(String bootstrap, Topics topics) {
    Map<String, Long> out = new TreeMap<>();
    for (LogEvent e : all(bootstrap, topics.logEvents())) {
      if (e.getType().toString().equals("AUDITED") && e.getTreeSize() != null) {
        out.merge(e.getLogId().toString(), e.getTreeSize(), Math::max);
      }
    }
    return out;
  }

  /** Every committed value of {@code topic}. */
  private static <V> List<V> all(String bootstrap, Topic<String, V> topic) {
    return TopicContents.readAll(Map.of("bootstrap.servers", bootstrap), topic);
  }

  private static long secs(long t0) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }
}
