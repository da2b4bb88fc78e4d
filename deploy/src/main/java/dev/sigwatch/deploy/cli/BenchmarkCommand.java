package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.StoreConfigSection;
import dev.sigwatch.deploy.runtime.Pipeline;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch benchmark}: the whole pipeline against a local simulator holding N pre-generated entries per Rekor
 * log, from an empty broker to "every entry ingested, audited against the signed tree and matched". Reports the time
 * and entries/s of each stage as it finishes, on stderr, and a summary line on stdout.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = {"End-to-end throughput: a local simulator with N pre-generated entries in Rekor v1 and in Rekor v2,",
        "and the whole pipeline (ingest -> verify full audit -> match with a 100-rule watchlist) on a fresh embedded",
        "broker. Measures until the audit reaches each log's size and the match stage has consumed every entry.",
        "Reports each stage's rate over the whole run, match's steady rate after --warmup, and the CPU time each",
        "stage (threads grouped by name; JIT and GC apart) spent per entry: CPU time depends far less on other load",
        "on the machine than the rates do. Offline; takes a minute or two for the default size on 2 cores.",
        "--latency N then measures detection latency on the running pipeline (entry logged -> alert read, p50/p99);",
        "--heap samples the live heap after a full GC at every tenth of the entries matched (memory flat in log size)."})
public final class BenchmarkCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--entries", defaultValue = "100000", description = "Entries per Rekor log. Default ${DEFAULT-VALUE}.")
  int entries;

  @Option(names = "--in-flight", defaultValue = "32", description = "Requests in flight per log. Default ${DEFAULT-VALUE}.")
  int inFlight;

  @Option(names = "--data-dir", description = "State directory, kept after the run (default: a new temporary directory,"
      + " removed at the end).")
  Path dataDir;

  @Option(names = "--certificates", defaultValue = "1024", description = {"Distinct certificates the entries cycle"
      + " through. Default ${DEFAULT-VALUE}: more than the JDK's certificate cache (750), as on a real log where every",
      "certificate is new; 3 gives the runs before 2026-12-05."})
  int certificates;

  @Option(names = "--warmup", defaultValue = "0.5", description = {"Share of the entries matched before the steady"
      + " rate is measured (the JIT compiles the hot code first). Default ${DEFAULT-VALUE}."})
  double warmup;

  @Option(names = "--latency", defaultValue = "0", description = {"After the throughput run: N signings by a watched"
      + " identity, logged to Rekor v1 and v2 --latency-spacing apart; prints the p50 / p99 / max time from an entry",
      "being served by the log (with its checkpoint) to its IDENTITY_MATCH alert read from the alerts topic. Ingest"
      + " polls every 1 s. Default 0 (off); adds a 101st rule matching only the probe's identity."})
  int latency;

  @Option(names = "--latency-spacing", defaultValue = "250", description = "Milliseconds between two latency probes."
      + " Default ${DEFAULT-VALUE}.")
  long latencySpacing;

  @Option(names = "--rate", defaultValue = "0", description = {"After the backlog: grow both Rekor logs by R entries/s"
      + " (together; new heads every 100 ms) for --rate-seconds after a --rate-warmup, with every stage running at once,",
      "and report the rate out of match, match's lag (bounded = the pipeline sustains R) and the CPU per entry of each"
      + " stage in that window. Default 0 (off)."})
  double rate;

  @Option(names = "--rate-seconds", defaultValue = "60", description = "Measured seconds of --rate. Default ${DEFAULT-VALUE}.")
  int rateSeconds;

  @Option(names = "--rate-warmup", defaultValue = "20", description = "Seconds of --rate growth before measuring."
      + " Default ${DEFAULT-VALUE}.")
  int rateWarmup;

  @Option(names = "--simulator", defaultValue = "jvm", description = {"Where the simulator runs: jvm (this JVM,"
      + " every entry rendered ahead: fastest to serve; its CPU and memory count as this process's) or process (a child",
      "JVM in its memory-light mode: entries packed, rendered when served; neither its CPU nor its memory is this"
      + " process's, so --heap measures sigwatch alone, and millions of entries fit). Default ${DEFAULT-VALUE}."})
  String simulator;

  @Option(names = "--incident-latency", defaultValue = "0", description = {"After the throughput run (and --latency):"
      + " N integrity incidents staged one at a time (bad signature, unknown key, rollback on Rekor v1 and v2, a",
      "Rekor v2 split view, in turn; the last a Rekor v2 fork); prints p50 / p99 / max from the bad checkpoint being"
      + " served to its verify alert read from the alerts topic. Default 0 (off)."})
  int incidentLatency;

  @Option(names = "--heap", description = {"Sample the live heap (used after a full GC) at every tenth of the entries"
      + " matched and print the series: flat means memory does not grow with the log. Each sample is a full GC"
      + " (a pause of some 100 ms), so the rates of a --heap run are slightly lower."})
  boolean heap;

  /** The state directory of this run; the run stops when its disk has less than {@link #MIN_FREE_BYTES} free. */
  private Path runDir;
  private static final long MIN_FREE_BYTES = 4L << 30;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("sigwatch-bench-");
    runDir = dir;
    Consumer<String> say = s -> spec.commandLine().getErr().println("benchmark: " + s);
    try {
      return run(dir, say);
    } finally {
      if (dataDir == null) removeRunDir(dir, say); // a 100k-entry run leaves ~4.5 GB of broker data
    }
  }

  /** Deletes the temporary state directory of a run (its broker log, stores, simulator files). */
  private static void removeRunDir(Path dir, Consumer<String> say) {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      say.accept("could not remove " + dir + ": " + e.getMessage());
    }
  }

  private Integer run(Path dir, Consumer<String> say) throws Exception {
    say.accept("pre-generating " + entries + " entries per Rekor log...");
    long t0 = System.nanoTime();
    try (BenchSimulator sim = startSimulator(Files.createDirectories(dir.resolve("sim")), say)) {
      say.accept(String.format(Locale.ROOT, "simulator ready in %.1f s", (System.nanoTime() - t0) / 1e9));
      Path trustedRoot = sim.trustedRoot();
      long v1 = entries; // pregenerate(n) appends n entries to Rekor v1 and n to Rekor v2
      long v2 = sim.status().rekorV2Size();
      SigwatchConfig cfg = new SigwatchConfig(dir, new KafkaSettings(null, null, null, null, null), trustedRoot, null,
          List.of(new LogSettings("rekor-v1", sim.rekorV1Url(), null, null),
              new LogSettings("rekor-v2", sim.rekorV2Url(), null, null)),
          new AlertSettings(dir.resolve("alerts.jsonl")), new MetricsSettings(0, null), null,
          new IngestConfigSection(1000L, inFlight, 1_000_000.0, "0"), hundredRules(latency > 0),
          ApiConfigSection.DISABLED,
          // The pipeline's own throughput, comparable with earlier runs: no store (it has its own benchmarks).
          new StoreConfigSection(false, null, null, null, null, null));
      long[] started = new long[1];
      List<String> results = new ArrayList<>();
      Pipeline.runUntilStopped(cfg, "sigwatch benchmark", null, p -> {
        started[0] = System.nanoTime();
        Thread watcher = new Thread(() -> watch(p, sim, v1 + v2, started[0], say, results), "benchmark-watch");
        watcher.setDaemon(true);
        watcher.start();
      });
      spec.commandLine().getOut().println(String.join(" ", results));
      return results.isEmpty() ? 1 : 0;
    }
  }

  /**
   * Polls committed progress (consumer-group offsets) until verify and match have consumed every entry, and reports
   * each stage's whole-run rate, match's steady rate (once {@code warmup} of the entries are matched: the JIT has
   * compiled the hot code by then) and the CPU each stage spent per entry.
   */
  private void watch(Pipeline p, BenchSimulator sim, long total, long start, Consumer<String> say,
      List<String> results) {
    String topic = p.kafka().topics().rekorEntries().name();
    long warmupEntries = (long) (total * warmup);
    Map<String, Long> cpuStart = StageCpu.snapshot();
    Map<String, Long> brokerStart = BrokerLoad.snapshot();
    long simCpuStart = sim.cpuNanos();
    Map<String, Long> cpuSteady = null;
    Map<String, Long> brokerSteady = null;
    long steadyAt = 0;
    long matchedAtSteady = 0;
    List<String> heapSeries = new ArrayList<>();
    List<String> rssSeries = new ArrayList<>();
    try (Admin admin = Admin.create(p.kafka().clientProperties())) {
      boolean verifyDone = false;
      boolean matchDone = false;
      while (!(verifyDone && matchDone)) {
        TimeUnit.MILLISECONDS.sleep(500);
        if (Files.getFileStore(runDir).getUsableSpace() < MIN_FREE_BYTES) {
          say.accept("stopping: less than " + (MIN_FREE_BYTES >> 30) + " GiB left on the disk of " + runDir
              + " (the broker keeps every entry; a full disk would stop more than this run)");
          break;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = ends(admin, topic);
        long records = ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        long matched = committed(admin, MatchSettings.DEFAULT_APPLICATION_ID, ends);
        while (heap && heapSeries.size() < 10 && matched >= total * (heapSeries.size() + 1) / 10) {
          heapSeries.add(liveHeapMb());
          rssSeries.add(Long.toString(ProcessMemory.rssMb()));
          say.accept(String.format(Locale.ROOT, "memory at %d of %d entries matched: live heap %s MB, RSS %s MB",
              matched, total, heapSeries.get(heapSeries.size() - 1), rssSeries.get(rssSeries.size() - 1)));
        }
        if (cpuSteady == null && matched >= warmupEntries) {
          cpuSteady = StageCpu.snapshot();
          brokerSteady = BrokerLoad.snapshot();
          steadyAt = System.nanoTime();
          matchedAtSteady = matched;
        }
        if (!verifyDone && records >= total && consumed(admin, "sigwatch-verify", ends)) {
          verifyDone = true;
          results.add(report("ingest+verify", total, start, say));
        }
        if (!matchDone && records >= total && consumed(admin, MatchSettings.DEFAULT_APPLICATION_ID, ends)) {
          matchDone = true;
          results.add(report("ingest+match", total, start, say));
        }
      }
      Map<String, Long> cpuEnd = StageCpu.snapshot();
      Map<String, Long> brokerEnd = BrokerLoad.snapshot();
      long now = System.nanoTime();
      say.accept("CPU per entry over the whole run (µs; " + total + " entries, each through every stage): "
          + StageCpu.perEntry(cpuStart, cpuEnd, total));
      if (simCpuStart >= 0) {
        say.accept(String.format(Locale.ROOT, "the simulator child (another process, not in the figures here): %.0f µs"
            + " CPU per entry", (sim.cpuNanos() - simCpuStart) / 1e3 / total));
      }
      double pipeline = StageCpu.micros(cpuStart, cpuEnd, total, StageCpu.STAGES.subList(0, 6));
      say.accept(String.format(Locale.ROOT, "all Java threads: %.0f µs CPU/entry, a ceiling of %.0f entries/s on %d"
          + " cores with every stage running at once (JIT and GC excluded)", pipeline,
          1e6 * Runtime.getRuntime().availableProcessors() / pipeline, Runtime.getRuntime().availableProcessors()));
      say.accept("broker, whole run: " + BrokerLoad.perEntry(brokerStart, brokerEnd, total));
      if (cpuSteady != null && total > matchedAtSteady) {
        long n = total - matchedAtSteady;
        double secs = (now - steadyAt) / 1e9;
        say.accept(String.format(Locale.ROOT, "match steady (entries %d..%d, after the warm-up): %.0f entries/s;"
            + " CPU in that window per entry matched (µs; stages that finished earlier count less): %s",
            matchedAtSteady, total, n / secs, StageCpu.perEntry(cpuSteady, cpuEnd, n)));
        say.accept("broker, match steady window: " + BrokerLoad.perEntry(brokerSteady, brokerEnd, n));
        results.add(String.format(Locale.ROOT, "match-steady=%.0f/s", n / secs));
      }
      if (heap) {
        say.accept("live heap (MB used after a full GC) at each tenth of the " + total + " entries matched: "
            + String.join(", ", heapSeries) + "; max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        say.accept("RSS of this process (MB) at the same points: " + String.join(", ", rssSeries) + "; peak "
            + ProcessMemory.peakRssMb() + " MB"
            + (sim instanceof SimulatorChild c ? "; the simulator child's RSS " + c.rssMb() + " MB (not included)" : ""));
        results.add("heap-mb=" + String.join("/", heapSeries));
        results.add("rss-mb=" + String.join("/", rssSeries));
      }
      if (rate > 0) {
        results.add(SustainedRate.run(sim, admin, topic, rate, rateWarmup, rateSeconds, say));
      }
      if (latency > 0) {
        String l = LatencyProbe.run(sim, p.kafka().clientProperties(), p.kafka().topics().alerts(), latency,
            java.time.Duration.ofMillis(latencySpacing), say);
        if (l != null) results.add(l);
      }
      if (incidentLatency > 0) {
        String l = IncidentLatencyProbe.run(sim, p.kafka().clientProperties(), p.kafka().topics().alerts(),
            p.kafka().topics().logEvents(), incidentLatency, say);
        if (l != null) results.add(l);
      }
      say.accept(String.format(Locale.ROOT, "load average %.1f on %d cores",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors()));
    } catch (Exception e) {
      say.accept("measurement failed: " + e);
    } finally {
      p.stop();
    }
  }

  /**
   * The simulator of {@code --simulator}: in this JVM with every entry rendered ahead, or a child JVM in its
   * memory-light mode; either way holding {@code --entries} entries per Rekor log, its trusted root in {@code trustDir}.
   */
  private BenchSimulator startSimulator(Path trustDir, Consumer<String> say) throws java.io.IOException {
    switch (simulator) {
      case "process":
        // --rate appends R/2 entries per log and second (plus ~30 s of slack): room for them in the child's heap
        long grown = rate > 0 ? (long) (rate / 2 * (rateWarmup + rateSeconds + 30)) : 0;
        return SimulatorChild.start(entries, grown, certificates, trustDir, say);
      case "jvm":
        SigstoreSimulator sim = SigstoreSimulator.builder().port(0).poolCertificates(certificates).build().start();
        sim.pregenerate(entries);
        sim.prerenderRekorV1();
        return BenchSimulator.inJvm(sim, trustDir);
      default:
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--simulator must be jvm or process, was " + simulator);
    }
  }

  /** The records {@code group} has committed on the partitions of {@code ends} (transaction markers included). */
  static long committed(Admin admin, String group,
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    long sum = 0;
    for (TopicPartition tp : ends.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      sum += c == null ? 0 : c.offset();
    }
    return sum;
  }

  /** The end offset of each partition of {@code topic}. */
  static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends(Admin admin, String topic) throws Exception {
    List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
        .get(topic).partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    return admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(tp -> tp,
        tp -> OffsetSpec.latest()))).all().get(30, TimeUnit.SECONDS);
  }

  /** Whether {@code group} has committed every offset up to the ends (transaction markers count as one record). */
  private static boolean consumed(Admin admin, String group, Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset() - 1)) {
        return false;
      }
    }
    return true;
  }

  private static String report(String what, long total, long start, Consumer<String> say) {
    double s = (System.nanoTime() - start) / 1e9;
    String line = String.format(Locale.ROOT, "%s=%.0f/s", what, total / s);
    say.accept(String.format(Locale.ROOT, "%s: %d entries in %.1f s = %.0f entries/s", what, total, s, total / s));
    return line;
  }

  /** The heap used after a full collection, in MB: what the pipeline keeps alive. */
  private static String liveHeapMb() {
    System.gc();
    return Long.toString(java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
        / (1 << 20));
  }

  /**
   * A watchlist of 100 identity rules, none of which matches the simulator's pool (so every entry is fully checked),
   * plus with {@code probe} one that matches only {@link LatencyProbe}'s identity.
   */
  static MonitoredValues hundredRules(boolean probe) {
    List<MonitoredValues.CertIdentity> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(new MonitoredValues.CertIdentity("^https://github\\.com/org" + i + "/.*/release\\.yml@refs/tags/v.*",
          List.of("https://token\\.actions\\.githubusercontent\\.com")));
    }
    if (probe) {
      ids.add(new MonitoredValues.CertIdentity(LatencyProbe.RULE, List.of()));
    }
    return new MonitoredValues(ids, null, null, null, null, null);
  }
}
