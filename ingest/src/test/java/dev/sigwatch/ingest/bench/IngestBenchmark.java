package dev.sigwatch.ingest.bench;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.RekorV1Sim;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Rekor v1 ingest throughput into Kafka (embedded broker, local simulator, 10 entries per request):
 * {@code IngestBenchmark [entries=200000] [inFlight=32] [delayMs=0] [commitEvery=5000] [sim=process|injvm]}. The
 * simulator runs in a child JVM by default ({@link SimProcess}: a real log is never in our JVM, and the simulator's
 * CPU would otherwise be charged to sigwatch; its CPU is reported apart); {@code injvm} runs it in this JVM as
 * before. With {@code delayMs > 0}
 * every retrieve answers after that delay (the simulator's slow-response fault), modelling a network round trip.
 * Prints the rate over the whole run (from the service's start: includes producer init and the position read) and
 * from the first commit on, the CPU per entry of each component (simulator, fetch threads, publishing thread,
 * producer I/O thread, broker and the rest) and the load average (the machine may be shared).
 *
 * <p>Run from the repository root (X = your build dir suffix):
 * <pre>
 * mvn -B -q -o -Dsigwatch.buildDir=target-X install -DskipTests -pl ingest -am
 * mvn -B -q -o -Dsigwatch.buildDir=target-X -pl ingest test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/ingest-bench.cp -Dmdep.includeScope=test
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/ingest-bench.cp) \
 *     dev.sigwatch.ingest.bench.IngestBenchmark 200000 32 0      # local
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/ingest-bench.cp) \
 *     dev.sigwatch.ingest.bench.IngestBenchmark 30000 32 100     # 100 ms round trip
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/ingest-bench.cp) \
 *     dev.sigwatch.ingest.bench.IngestBenchmark 200000 32 0 5000 injvm   # simulator in this JVM (as before)
 * </pre>
 * The simulator child shares the machine's cores, so on a small machine its CPU still limits the rate; the "CPU per
 * entry in this JVM" total is sigwatch's own cost (plus the embedded broker's).
 * {@link SimulatorCeiling} measures the simulator alone (no Kafka), the ceiling of this benchmark.
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int delayMs = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int commitEvery = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
    boolean inJvm = args.length > 4 && args[4].equals("injvm");
    int simThreads = Math.max(8, inFlight);
    RekorV1Sim inJvmSim = null;
    SimProcess child = null;
    String url;
    if (inJvm) {
      inJvmSim = new RekorV1Sim("rekor.bench", simThreads);
      SimProcess.generate(inJvmSim, n, delayMs);
      url = inJvmSim.url();
    } else {
      child = SimProcess.start(n, simThreads, delayMs);
      url = child.url();
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(Files.createTempDirectory("sigwatch-bench-"), Map.of()).start();
        AutoCloseable sim = inJvm ? inJvmSim : child) {
      Topics topics = Topics.create(SerdeConfig.embedded());
      try (Admin a = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        TopicAdmin.ensureTopics(a, topics.all());
      }
      IngestSettings s = new IngestSettings(List.of(LogTarget.of("rekor-v1", url)), Duration.ofMillis(500), inFlight,
          Double.POSITIVE_INFINITY, new StartMode.Range(0, n), RetryPolicy.DEFAULT, Duration.ofSeconds(30),
          LogHttp.DEFAULT_MAX_RESPONSE_BYTES, commitEvery);
      IngestMetrics metrics = IngestMetrics.unregistered();
      String name = s.logs().get(0).withoutScheme();
      Map<String, Long> cpu0 = CpuByComponent.snapshot();
      Map<String, Long> cpu1 = cpu0;
      long childCpu0 = child == null ? 0 : child.cpuNanos();
      long childCpu1 = childCpu0;
      long firstCommitNanos = 0;
      long firstCommitted = 0;
      long t0 = System.nanoTime();
      try (IngestService service = new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics)) {
        service.start();
        while (!service.finished()) {
          cpu1 = CpuByComponent.snapshot(); // the poller and its producer end with the range: last look before
          if (child != null) childCpu1 = child.cpuNanos();
          Thread.sleep(1000);
          double secs = (System.nanoTime() - t0) / 1e9;
          if (firstCommitNanos == 0 && metrics.entries(name) > 0) {
            firstCommitNanos = System.nanoTime();
            firstCommitted = metrics.entries(name);
          }
          System.err.printf(Locale.ROOT, "  %,d entries committed, %.0f entries/s%n", metrics.entries(name), metrics.entries(name) / secs);
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "rekor-v1: %,d entries in %.1f s = %,.0f entries/s (inFlight %d, round trip +%d ms)%n",
          metrics.entries(name), secs, metrics.entries(name) / secs, inFlight, delayMs);
      double steadySecs = (System.nanoTime() - firstCommitNanos) / 1e9;
      System.out.printf(Locale.ROOT, "  from the first commit on: %,.0f entries/s (commitEvery %d)%n",
          firstCommitNanos == 0 ? 0 : (metrics.entries(name) - firstCommitted) / steadySecs, commitEvery);
      if (child != null) {
        System.out.printf(Locale.ROOT, "  simulator (child JVM, not in the total) %.1f µs per entry%n",
            (childCpu1 - childCpu0) / 1e3 / Math.max(1, metrics.entries(name)));
      }
      System.out.println("  CPU per entry in this JVM: " + CpuByComponent.perEntry(cpu0, cpu1, metrics.entries(name))
          + String.format(Locale.ROOT, "; load average %.2f", java.lang.management.ManagementFactory
              .getOperatingSystemMXBean().getSystemLoadAverage()));
    }
  }
}
