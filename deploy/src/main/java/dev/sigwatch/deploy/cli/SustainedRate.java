package dev.sigwatch.deploy.cli;

import dev.sigwatch.match.MatchSettings;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code benchmark --rate R}: the steady state of the whole pipeline as a live log gives it. After the backlog, the
 * simulator's Rekor v1 and v2 logs grow by R entries/s together (half each, published every 100 ms, as a real log
 * publishes new heads) while ingest follows them at its 1 s poll, verify audits and match matches every entry — every
 * stage running at once, on the same entries. After a warm-up it reports the rate the entries came out of match, the
 * match lag (entries logged but not yet matched) at the start and end of the window — bounded lag means the pipeline
 * sustains R — and the CPU each stage spent per entry in that window, the simulator's growing and serving included.
 * Benchmark helper; not thread-safe.
 */
final class SustainedRate {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private SustainedRate() {}

  /** Grows the logs at {@code rate} for {@code warmupSeconds + seconds}, measuring the last {@code seconds}. */
  static String run(BenchSimulator sim, Admin admin, String entriesTopic, double rate, int warmupSeconds,
      int seconds, Consumer<String> say) throws Exception {
    AtomicLong appended = new AtomicLong();
    Thread grower = new Thread(() -> grow(sim, rate, appended), "sigstore-sim-grow");
    grower.setDaemon(true);
    say.accept(String.format(Locale.ROOT, "growing Rekor v1 + v2 by %.0f entries/s for %d s (%d s warm-up, then %d s"
        + " measured)...", rate, warmupSeconds + seconds, warmupSeconds, seconds));
    grower.start();
    try {
      TimeUnit.SECONDS.sleep(warmupSeconds);
      Map<String, Long> cpu0 = StageCpu.snapshot();
      Map<String, Long> broker0 = BrokerLoad.snapshot();
      long sim0 = sim.cpuNanos();
      long t0 = System.nanoTime();
      long appended0 = appended.get();
      long[] m0 = progress(admin, entriesTopic);
      TimeUnit.SECONDS.sleep(seconds);
      long[] m1 = progress(admin, entriesTopic);
      double secs = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> cpu1 = StageCpu.snapshot();
      Map<String, Long> broker1 = BrokerLoad.snapshot();
      long sim1 = sim.cpuNanos();
      long offered = appended.get() - appended0;
      long n = m1[0] - m0[0];
      long lag0 = m0[1] - m0[0];
      long lag1 = m1[1] - m1[0];
      // Bounded: match's lag did not grow by more than one second of entries over the window.
      boolean keepsUp = lag1 <= lag0 + rate;
      say.accept(String.format(Locale.ROOT, "sustained: %.0f entries/s logged, %.0f entries/s matched over %.0f s;"
          + " match's lag on the entries topic %d -> %d records (%s)", offered / secs, n / secs, secs, lag0, lag1,
          keepsUp ? "bounded: the pipeline keeps up" : "growing: the pipeline does not keep up"));
      say.accept("sustained: CPU per entry matched in that window (µs): " + StageCpu.perEntry(cpu0, cpu1, n));
      if (sim0 >= 0 && sim1 >= 0) {
        double own = StageCpu.micros(cpu0, cpu1, n, StageCpu.STAGES);
        double child = (sim1 - sim0) / 1e3 / Math.max(1, n);
        say.accept(String.format(Locale.ROOT, "sustained: the simulator child %.0f µs CPU per entry besides; with it"
            + " %.0f µs per entry on this machine's %d cores: a ceiling of %.0f entries/s (sigwatch's own %.0f µs: %.0f"
            + " entries/s)", child, own + child, CORES, CORES * 1e6 / (own + child), own, CORES * 1e6 / own));
      }
      say.accept("sustained: broker " + BrokerLoad.perEntry(broker0, broker1, n));
      return String.format(Locale.ROOT, "sustained=%.0f/s lag=%d->%d%s", n / secs, lag0, lag1, keepsUp ? "" : "(growing)");
    } finally {
      grower.interrupt();
      grower.join(5000);
    }
  }

  /** Appends entry pairs (one to v1, one to v2) so that {@code rate} entries/s are logged, every 100 ms. */
  private static void grow(BenchSimulator sim, double rate, AtomicLong appended) {
    long start = System.nanoTime();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        double due = rate * (System.nanoTime() - start) / 1e9;
        int pairs = (int) ((due - appended.get()) / 2);
        if (pairs > 0) {
          sim.pregenerate(pairs);
          appended.addAndGet(2L * pairs);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The window's end interrupts a call to the simulator child in flight: that is the end, not a failure.
      if (!Thread.currentThread().isInterrupted()) throw e;
    }
  }

  /**
   * {committed, end}: the offsets match has committed on the entries topic and the topic's end, summed over its
   * partitions (ingest's transaction markers included, about one per partition per poll: counted as entries here).
   */
  private static long[] progress(Admin admin, String topic) throws Exception {
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = BenchmarkCommand.ends(admin, topic);
    long end = ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    return new long[] {BenchmarkCommand.committed(admin, MatchSettings.DEFAULT_APPLICATION_ID, ends), end};
  }
}
