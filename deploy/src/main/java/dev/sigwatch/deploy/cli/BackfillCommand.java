package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.StartMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigwatch backfill --log L --from N --to M}: ingests exactly {@code [N, M)} of one log (exactly once, resumable:
 * run it again after a crash) with a progress line on stderr. Its own transactional id, so it can run beside a live
 * ingest of the same log; it publishes no checkpoints (the live ingest does).
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = "Ingest a bounded range of a log: --log L --from N --to M (M exclusive), with progress and ETA.")
public final class BackfillCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", description = "sigwatch config file (YAML)")
  Path config;

  @Option(names = "--log", required = true, description = "a log URL or a configured log's name")
  String log;

  @Option(names = "--type", defaultValue = "rekor-v1", description = "type of a --log URL: rekor-v1, rekor-v2, ct, static-ct")
  String type;

  @Option(names = "--from", required = true, description = "first index (inclusive)")
  long from;

  @Option(names = "--to", required = true, description = "last index (exclusive)")
  long to;

  @Option(names = "--rate", description = "requests per second (default from the config: 50)")
  Double rate;

  @Option(names = "--in-flight", description = "requests in flight (default 32)")
  Integer inFlight;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    IngestSettings s = IngestCommand.settings(cfg.ingest().toSettings(IngestLogs.resolve(cfg, List.of(log), type)),
        null, rate, inFlight).withStartMode(new StartMode.Range(from, to));
    String name = s.logs().get(0).withoutScheme();
    PrintWriter err = spec.commandLine().getErr();
    try (KafkaRuntime kafka = KafkaRuntime.start(cfg);
        IngestService service = new IngestService(s, kafka.clientProperties(), kafka.topics(), IngestMetrics.unregistered())) {
      service.start();
      long t0 = System.nanoTime();
      long startPos = -1;
      while (!service.finished()) {
        Thread.sleep(1000);
        long pos = service.positions().getOrDefault(name, -1L);
        if (pos < 0) continue;
        if (startPos < 0) startPos = pos;
        err.print("\r" + progress(pos - startPos, to - startPos, (System.nanoTime() - t0) / 1e9, pos));
        err.flush();
      }
      long pos = service.positions().getOrDefault(name, -1L);
      if (pos >= 0) { // the last word, even when the range took less than a tick
        long base = startPos < 0 ? from : startPos;
        err.print("\r" + progress(pos - base, to - base, (System.nanoTime() - t0) / 1e9, pos));
      }
      err.println();
      if (pos < to) {
        err.printf(Locale.ROOT, "sigwatch backfill: stopped at %d before %d; see the log above, and run it again to resume%n", pos, to);
        return 1;
      }
    }
    return 0;
  }

  /** {@code "[#####.....]  52%  12,345 entries/s  ETA 0:42  at 1,234,567"}. */
  static String progress(long done, long total, double seconds, long position) {
    return progress(done, total, seconds, "entries", String.format(Locale.ROOT, "at %,d", position));
  }

  /** {@code "[#####.....]  52%  12,345 <unit>/s  ETA 0:42  <tail>"}: the progress line of long commands. */
  static String progress(long done, long total, double seconds, String unit, String tail) {
    double frac = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int bars = (int) (frac * 20);
    double rate = seconds > 0 ? done / seconds : 0;
    long eta = rate > 0 ? (long) ((total - done) / rate) : -1;
    return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %,.0f %s/s  ETA %s  %s", "#".repeat(bars), ".".repeat(20 - bars),
        frac * 100, rate, unit, eta < 0 ? "?" : String.format(Locale.ROOT, "%d:%02d", eta / 60, eta % 60), tail);
  }
}
