package dev.sigwatch.deploy.cluster;

import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.rekorv1.BodyTemplate;
import dev.sigwatch.simulator.rekorv1.V1Bodies;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Issue 16's "2 instances of match against 1 on the same cluster": match scales by the partitions of the entry
 * topics. One Kafka broker as its own JVM (Kafka's {@code kafka.Kafka} from {@code sigwatch.jar}), the simulator in
 * this JVM with one Rekor v1 log and {@code 1 + extraShards} Rekor v2 shards of {@code entries} entries each (more
 * logs than partitions, so every partition of {@code sigwatch.rekor.entries} carries entries), then:
 * <pre>
 *   sigwatch ingest (its own JVM) ─► sigwatch.rekor.entries (3 partitions, keyed by log)   — filled once, then stopped
 *   run 1: 1 × sigwatch match --application-id bench-match-1-… (its own JVM)                — from offset 0
 *   run 2: 2 × sigwatch match --application-id bench-match-2-… (two JVMs, started together) — from offset 0
 * </pre>
 * Each run reads the same records with a fresh consumer group. Reported per run: entries/s from the first committed
 * offset to the last (JVM start-up apart), which partitions of the entry topic each instance held, and each
 * instance's CPU time (whole process, per entry of the run). Run from the repository root after
 * {@code mvn -pl deploy -am -Dsigwatch.buildDir=target-deploy test-compile package -DskipTests}:
 * <pre>
 *   java -cp deploy/target-deploy/test-classes:deploy/target-deploy/sigwatch.jar \
 *       dev.sigwatch.deploy.cluster.MatchScalingBenchmark deploy/target-deploy/sigwatch.jar [entries] [extraShards]
 * </pre>
 */
public final class MatchScalingBenchmark {
  private final Path dir;
  private final Path jar;
  private final List<Process> processes = new ArrayList<>();

  private MatchScalingBenchmark(Path dir, Path jar) {
    this.dir = dir;
    this.jar = jar;
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "deploy/target-deploy/sigwatch.jar").toAbsolutePath();
    int entries = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int extraShards = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path dir = Files.createTempDirectory("sigwatch-match-scaling-");
    MatchScalingBenchmark b = new MatchScalingBenchmark(dir, jar);
    try {
      b.run(entries, extraShards);
    } finally {
      b.processes.forEach(Process::destroyForcibly);
    }
    System.exit(0);
  }

  private void run(int entries, int extraShards) throws Exception {
    say("work directory " + dir + " (process logs there); load average " + load());
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).poolCertificates(1024).build().start();
         ProcessCluster kafka = new ProcessCluster(Files.createDirectories(dir.resolve("kafka")), jar, 1).start()) {
      List<String> v2Urls = new ArrayList<>(List.of(sim.rekorV2Url()));
      sim.pregenerate(entries);
      sim.prerenderRekorV1();
      // pregenerate fills Rekor v1 and the first v2 shard; the extra shards get entries over 256 certificates of their
      // own (digests varied, as pregenerate does).
      List<BodyTemplate> bodies = new ArrayList<>();
      for (int k = 0; k < 256; k++) {
        IssuedCert c = sim.issue(Identity.email("bench" + k + "@example.com", Identity.GITHUB_ISSUER));
        bodies.add(RekorV2Log.template(c.certificate(), V1Bodies.signDigest(c.subjectKey().getPrivate(), digest(k))));
      }
      for (int i = 1; i <= extraShards; i++) {
        RekorV2Log shard = sim.addRekorV2Shard("bench" + i, "bench" + i + ".rekor.sigwatch.test");
        for (int e = 0; e < entries; e++) shard.append(bodies.get(e % bodies.size()), digest(((long) i << 32) + e));
        shard.publish();
        v2Urls.add(sim.baseUrl() + "/bench" + i);
      }
      long total = (long) entries * (2 + extraShards);
      Path root = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      String bootstrap = kafka.bootstrapServers();
      String topic = Topics.create(SerdeConfig.embedded()).rekorEntries().name();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        await(Duration.ofMinutes(3), () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 1);
        say("broker up at " + bootstrap + "; ingesting " + total + " entries of " + (2 + extraShards) + " logs");
        long t0 = System.nanoTime();
        Process ingest = start("ingest", "ingest", config("ingest", bootstrap, root, sim, v2Urls));
        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::partition));
        await(Duration.ofMinutes(15), () -> {
          ends.clear();
          ends.putAll(ends(admin, topic));
          // End offsets count transaction markers too: done when the records cannot all be markers any more and the
          // ends stay put (ingest caught up with every log's head).
          return ends.values().stream().mapToLong(Long::longValue).sum() >= total && stable(admin, topic, ends);
        });
        stop(ingest);
        say(String.format(Locale.ROOT, "ingested in %.1f s; end offsets per partition: %s", secs(t0), ends));

        List<String> summary = new ArrayList<>();
        for (int instances : new int[] {1, 2}) {
          summary.add(matchRun(admin, instances, ends, total, root, sim, v2Urls, bootstrap));
        }
        say("summary: " + String.join(" | ", summary) + "; load average now " + load());
      }
    }
  }

  /** One run of {@code instances} match JVMs over the filled topic; returns its summary line. */
  private String matchRun(Admin admin, int instances, Map<TopicPartition, Long> ends, long total, Path root,
                          SigstoreSimulator sim, List<String> v2Urls, String bootstrap) throws Exception {
    String group = "bench-match-" + instances + "-" + System.currentTimeMillis();
    double loadBefore = load();
    Map<String, Process> running = new LinkedHashMap<>();
    for (int i = 1; i <= instances; i++) {
      String name = "match-" + instances + "-" + i;
      running.put(name, start(name, "match", config(name, bootstrap, root, sim, v2Urls),
          "--application-id", group));
    }
    long launched = System.nanoTime();
    long[] first = {0};
    Map<String, Duration> cpuAtFirst = new LinkedHashMap<>();
    Map<String, String> assignment = new TreeMap<>();
    await(Duration.ofMinutes(20), () -> {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      long done = ends.keySet().stream().mapToLong(tp -> committed.containsKey(tp) ? committed.get(tp).offset() : 0)
          .sum();
      if (first[0] == 0 && done > 0) {
        first[0] = System.nanoTime();
        running.forEach((n, p) -> cpuAtFirst.put(n, cpu(p)));
      }
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
          .get(group);
      if (d.members().size() == instances) {
        assignment.clear();
        for (MemberDescription m : d.members()) {
          assignment.put(m.clientId().replaceAll("-StreamThread.*", ""), m.assignment().topicPartitions().stream()
              .filter(tp -> tp.topic().equals(ends.keySet().iterator().next().topic()))
              .map(tp -> Integer.toString(tp.partition())).collect(Collectors.toCollection(TreeSet::new)).toString());
        }
      }
      return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
          || (committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue() - 1));
    });
    long finished = System.nanoTime();
    double seconds = (finished - first[0]) / 1e9;
    StringBuilder cpu = new StringBuilder();
    double cpuTotal = 0;
    for (var e : running.entrySet()) {
      double s = (cpu(e.getValue()).minus(cpuAtFirst.getOrDefault(e.getKey(), Duration.ZERO))).toNanos() / 1e9;
      cpuTotal += s;
      cpu.append(String.format(Locale.ROOT, " %s %.1f s CPU;", e.getKey(), s));
    }
    for (Process p : running.values()) stop(p);
    String line = String.format(Locale.ROOT, "%d match instance(s): %d entries in %.1f s = %.0f entries/s "
        + "(first commit %.1f s after launch); partitions of %s held per member %s;%s %.0f µs CPU/entry all "
        + "instances together; load average %.1f before, %.1f after", instances, total, seconds, total / seconds,
        (first[0] - launched) / 1e9, ends.keySet().iterator().next().topic(), assignment, cpu,
        cpuTotal * 1e6 / total, loadBefore, load());
    say(line);
    return String.format(Locale.ROOT, "%d instance(s) %.0f entries/s", instances, total / seconds);
  }

  private Path config(String name, String bootstrap, Path root, SigstoreSimulator sim, List<String> v2Urls)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    StringBuilder logs = new StringBuilder("  - {type: rekor-v1, url: \"" + sim.rekorV1Url() + "\"}\n");
    v2Urls.forEach(u -> logs.append("  - {type: rekor-v2, url: \"").append(u).append("\"}\n"));
    return Files.writeString(d.resolve("sigwatch.yaml"), String.join("\n",
        "dataDir: " + d.resolve("data"),
        "kafka:",
        "  bootstrapServers: " + bootstrap,
        "  replicationFactor: 1",
        "trustedRoot: " + root,
        "logs:",
        logs.toString(),
        "ingest: {pollIntervalMs: 1000, inFlight: 32, requestsPerSecond: 1000000, startAt: \"0\"}",
        "metrics: {port: 0}",
        "api: {enabled: false}",
        "monitoredValues:",
        "  certIdentities:",
        // A watchlist none of the simulator's identities matches: every entry is parsed and checked in full.
        "    - certSubject: ^https://github\\.com/nobody/.*/release\\.yml@refs/tags/v.*",
        ""));
  }

  private Process start(String name, String command, Path config, String... more) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessCluster.java(), "-Xmx512m", "-jar", jar.toString(), command,
        "--config", config.toString()));
    cmd.addAll(List.of(more));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    processes.add(p);
    return p;
  }

  /** SIGTERM, so the stage closes cleanly (its Streams state and transactions), then waits. */
  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  private static Duration cpu(Process p) {
    return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static Map<TopicPartition, Long> ends(Admin admin, String topic) throws Exception {
    List<TopicPartition> parts = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
        .get(topic).partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    return admin.listOffsets(parts.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
        .all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Whether the ends of {@code topic} are still {@code ends} five seconds later. */
  private static boolean stable(Admin admin, String topic, Map<TopicPartition, Long> ends) throws Exception {
    TimeUnit.SECONDS.sleep(5);
    return ends(admin, topic).equals(ends);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code check} until it holds; a failing check (a topic not created yet) counts as not yet. */
  private static void await(Duration atMost, Check check) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (check.ok()) return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
          | org.apache.kafka.common.KafkaException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("not done within " + atMost, last);
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  private static byte[] digest(long n) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(java.nio.ByteBuffer.allocate(8).putLong(n).array());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void say(String s) {
    System.out.println("match-scaling: " + s);
  }
}
