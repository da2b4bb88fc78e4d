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
import dev.sigwatch.testkit.sim.faults.Fault;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Rekor v1 ingest throughput into Kafka (embedded broker, local simulator, 10 entries per request):
 * {@code IngestBenchmark [entries] [inFlight] [delayMs]}. With {@code delayMs > 0} every retrieve answers after that
 * delay (the simulator's slow-response fault), modelling a network round trip.
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int delayMs = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(Files.createTempDirectory("sigwatch-bench-"), Map.of()).start();
        RekorV1Sim sim = new RekorV1Sim("rekor.bench", Math.max(8, inFlight))) {
      System.err.printf(Locale.ROOT, "generating %d entries...%n", n);
      for (int done = 0; done < n; done += 50_000) sim.grow(Math.min(50_000, n - done));
      Topics topics = Topics.create(SerdeConfig.embedded());
      try (Admin a = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        TopicAdmin.ensureTopics(a, topics.all());
      }
      if (delayMs > 0) {
        sim.faults.inject(Fault.withProbability(1.0, Fault.Kind.SLOW, "/api/v1/log/entries").withDelay(Duration.ofMillis(delayMs)));
      }
      IngestSettings s = new IngestSettings(List.of(LogTarget.of("rekor-v1", sim.url())), Duration.ofMillis(500), inFlight,
          Double.POSITIVE_INFINITY, new StartMode.Range(0, n), RetryPolicy.DEFAULT, Duration.ofSeconds(30),
          LogHttp.DEFAULT_MAX_RESPONSE_BYTES, 5000);
      IngestMetrics metrics = IngestMetrics.unregistered();
      String name = s.logs().get(0).withoutScheme();
      Map<String, Long> cpu0 = CpuByComponent.snapshot();
      Map<String, Long> cpu1 = cpu0;
      long t0 = System.nanoTime();
      try (IngestService service = new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics, metrics)) {
        service.start();
        while (!service.finished()) {
          cpu1 = CpuByComponent.snapshot(); // the poller and its producer end with the range: last look before
          Thread.sleep(1000);
          double secs = (System.nanoTime() - t0) / 1e9;
          System.err.printf(Locale.ROOT, "  %,d entries committed, %.0f entries/s%n", metrics.entries(name), metrics.entries(name) / secs);
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "rekor-v1: %,d entries in %.1f s = %,.0f entries/s (inFlight %d, round trip +%d ms)%n",
          metrics.entries(name), secs, metrics.entries(name) / secs, inFlight, delayMs);
      System.out.println("  CPU per entry: " + CpuByComponent.perEntry(cpu0, cpu1, metrics.entries(name))
          + String.format(Locale.ROOT, "; load average %.2f", java.lang.management.ManagementFactory
              .getOperatingSystemMXBean().getSystemLoadAverage()));
    }
  }
}
