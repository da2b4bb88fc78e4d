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
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Rekor v1 ingest throughput into Kafka (embedded broker, local simulator, 10 entries per request):
 * {@code IngestBenchmark [entries=300000] [inFlight=32] [delayMs=0] [commitEvery=5000] [sim=process|injvm]
 * [warmup=150000 locally, 0 with a delay]}. The simulator runs in a child JVM by default ({@link SimProcess}: a real
 * log is never in our JVM, and the simulator's CPU would otherwise be charged to sigwatch; its CPU is reported apart)
 * and renders every entry before the run starts, so that it serves bytes; {@code injvm} runs it in this JVM. With {@code delayMs > 0} every
 * retrieve answers after that delay (the simulator's slow-response fault), modelling a network round trip.
 *
 * <p>Prints the rate over the whole run (from the service's start: producer init, the position read and both JVMs'
 * JIT warm-up included) and the steady rate: after the first {@code warmup} entries (the simulator serves
 * {@code warmup + entries}), or from the first commit on when {@code warmup} is 0. Then the CPU per entry of each
 * component over that steady window (simulator, fetch threads, publishing thread, producer I/O thread, broker and the
 * rest; JIT compiler and GC threads are not Java threads and are not counted) and the load average (the machine may
 * be shared).
 *
 * <p>Run from the repository root (X = your build dir suffix):
 * <pre>
 * mvn -B -q -o -Dsigwatch.buildDir=target-X install -DskipTests -pl ingest -am
 * mvn -B -q -o -Dsigwatch.buildDir=target-X -pl ingest test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/ingest-bench.cp -Dmdep.includeScope=test
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/ingest-bench.cp) \
 *     dev.sigwatch.ingest.bench.IngestBenchmark 300000 32 0 5000 process 150000   # local, after a warm-up
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/ingest-bench.cp) \
 *     dev.sigwatch.ingest.bench.IngestBenchmark 30000 32 100     # 100 ms round trip
 * </pre>
 * The simulator child shares the machine's cores, so on a small machine its CPU still limits the rate; the "CPU per
 * entry in this JVM" total is sigwatch's own cost (plus the embedded broker's).
 * {@link SimulatorCeiling} measures the simulator alone (no Kafka), the ceiling of this benchmark.
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int delayMs = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int commitEvery = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
    boolean inJvm = args.length > 4 && args[4].equals("injvm");
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : delayMs == 0 ? 150_000 : 0;
    int total = warmup + n;
    int simThreads = Math.max(8, inFlight);
    RekorV1Sim inJvmSim = null;
    SimProcess child = null;
    String url;
    if (inJvm) {
      inJvmSim = new RekorV1Sim("rekor.bench", simThreads);
      SimProcess.generate(inJvmSim, total, delayMs);
      url = inJvmSim.url();
    } else {
      child = SimProcess.start(total, simThreads, delayMs);
      url = child.url();
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(Files.createTempDirectory("sigwatch-bench-"), Map.of()).start();
        AutoCloseable sim = inJvm ? inJvmSim : child) {
      Topics topics = Topics.create(SerdeConfig.embedded());
      try (Admin a = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        TopicAdmin.ensureTopics(a, topics.all());
      }
      IngestSettings s = new IngestSettings(List.of(LogTarget.of("rekor-v1", url)), Duration.ofMillis(500), inFlight,
          Double.POSITIVE_INFINITY, new StartMode.Range(0, total), RetryPolicy.DEFAULT, Duration.ofSeconds(30),
          LogHttp.DEFAULT_MAX_RESPONSE_BYTES, commitEvery);
      IngestMetrics metrics = IngestMetrics.unregistered();
      String name = s.logs().get(0).withoutScheme();
      Window whole = null;
      Window measured = null;
      Map<String, Long> cpuEnd = null;
      long childEnd = 0;
      long t0 = System.nanoTime();
      try (IngestService service = new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics)) {
        whole = new Window(t0, 0, CpuByComponent.snapshot(), child == null ? 0 : child.cpuNanos());
        service.start();
        long lastPrint = t0;
        while (!service.finished()) {
          cpuEnd = CpuByComponent.snapshot(); // the poller and its producer end with the range: last look before
          if (child != null) childEnd = child.cpuNanos();
          Thread.sleep(100);
          long now = System.nanoTime();
          long committed = metrics.entries(name);
          if (measured == null && committed >= warmup && (warmup > 0 || committed > 0)) {
            measured = new Window(now, committed, CpuByComponent.snapshot(), child == null ? 0 : child.cpuNanos());
          }
          if (now - lastPrint >= 1_000_000_000L) {
            lastPrint = now;
            System.err.printf(Locale.ROOT, "  %,d entries committed, %.0f entries/s%n", committed,
                committed / ((now - t0) / 1e9));
          }
        }
      }
      long tEnd = System.nanoTime();
      long committed = metrics.entries(name);
      System.out.printf(Locale.ROOT, "rekor-v1: %,d entries in %.1f s = %,.0f entries/s (inFlight %d, round trip +%d ms)%n",
          committed, (tEnd - t0) / 1e9, committed / ((tEnd - t0) / 1e9), inFlight, delayMs);
      if (measured != null) {
        String from = warmup > 0 ? String.format(Locale.ROOT, "after a warm-up of %,d entries", measured.entries())
            : "from the first commit on";
        System.out.printf(Locale.ROOT, "  %s: %,d entries at %,.0f entries/s (commitEvery %d)%n", from,
            committed - measured.entries(), (committed - measured.entries()) / ((tEnd - measured.nanos()) / 1e9),
            commitEvery);
      }
      Window cpuFrom = warmup > 0 && measured != null ? measured : whole;
      long entries = committed - cpuFrom.entries();
      if (child != null) {
        System.out.printf(Locale.ROOT, "  simulator (child JVM, not in the total) %.1f µs per entry%n",
            (childEnd - cpuFrom.childCpu()) / 1e3 / Math.max(1, entries));
      }
      System.out.println("  CPU per entry in this JVM" + (warmup > 0 ? " (after the warm-up)" : "") + ": "
          + CpuByComponent.perEntry(cpuFrom.cpu(), cpuEnd, entries)
          + String.format(Locale.ROOT, "; load average %.2f", java.lang.management.ManagementFactory
              .getOperatingSystemMXBean().getSystemLoadAverage()));
    }
  }

  /** Where a measurement starts: time, entries committed, CPU by component, the simulator's CPU. */
  private record Window(long nanos, long entries, Map<String, Long> cpu, long childCpu) {}
}
