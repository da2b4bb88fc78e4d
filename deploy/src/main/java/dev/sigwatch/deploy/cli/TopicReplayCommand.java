package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.replay.ReplayOutput;
import dev.sigwatch.alert.replay.ReplayRange;
import dev.sigwatch.alert.replay.ReplayWatchlist;
import dev.sigwatch.alert.replay.TopicReplayer;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sigwatch replay --source topics}: the watchlist over the raw entry topics ({@link TopicReplayer}), with the
 * same outputs and progress line as a store replay. The run is recorded in the store (source {@code topics}) when
 * the store is enabled, so the API lists it; its matches go to the store only with the store output.
 */
final class TopicReplayCommand {
  private TopicReplayCommand() {}

  static int run(ReplayCommand c, SigwatchConfig cfg, PrintWriter err) throws Exception {
    boolean toStore = c.output == null || c.output.store;
    if (c.resume) {
      err.println("sigwatch replay: a replay of the entry topics does not resume (--resume is for store "
          + "replays): run it again (its alerts have the same ids)");
      return 2;
    }
    if (c.watchlist == null) {
      err.println("sigwatch replay: --watchlist FILE is required (rekor-monitor YAML); see --help");
      return 2;
    }
    if (toStore && !cfg.store().enabled()) {
      err.println("sigwatch replay: the alert store is disabled (store.enabled: false): give --out FILE or --topic");
      return 2;
    }
    String name = c.name != null ? c.name
        : "replay-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
            .format(Instant.now());
    String yaml;
    Watchlist watchlist;
    IdentityScan scan;
    try {
      if (!name.matches(ReplayRun.NAME_PATTERN)) {
        throw new IllegalArgumentException("--name must match " + ReplayRun.NAME_PATTERN + ", was: " + name);
      }
      if (Files.size(c.watchlist) > ReplayWatchlist.MAX_CHARS) {
        throw new IllegalArgumentException(c.watchlist + " is larger than a watchlist can be (1 MiB)");
      }
      yaml = Files.readString(c.watchlist, StandardCharsets.UTF_8);
      watchlist = ReplayWatchlist.parse(yaml);
      scan = ReplayRange.scan(c.log, c.from, c.to);
      if ((scan.fromIndex() != null || scan.toIndex() != null) && scan.logId() == null) {
        throw new IllegalArgumentException("an index bound (--from/--to digits) needs --log: indexes are per log; "
            + "or give a time");
      }
    } catch (IOException e) {
      err.println("sigwatch replay: cannot read the watchlist " + c.watchlist + ": " + e);
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("sigwatch replay: " + e.getMessage());
      return 2;
    }
    KafkaRuntime kafka = WatchlistCommand.existingKafka(cfg, err, "sigwatch replay");
    if (kafka == null) return 1;
    try (kafka; AlertStore store = cfg.store().enabled() ? cfg.store().open(cfg.dataDir()) : null) {
      String output = c.outputName(name);
      if (store != null) {
        Instant now = Instant.now();
        try {
          store.createReplay(new ReplayRun(name, yaml, "topics", c.from, c.to, c.log, ReplayRun.State.RUNNING, 0, -1,
              0, now, now, null, null, output, 0));
        } catch (IllegalArgumentException e) {
          err.println("sigwatch replay: " + e.getMessage());
          return 2;
        }
      }
      try (ReplayOutput out = c.open(store, name, kafka)) {
        return replay(name, watchlist, scan, kafka.clientProperties(), kafka.topics(), store, out, err);
      }
    }
  }

  /** Runs the replay with a progress line on {@code err} and its summary; records it in {@code store} if not null. */
  static int replay(String name, Watchlist watchlist, IdentityScan scan, Map<String, Object> client, Topics topics,
      AlertStore store, ReplayOutput out, PrintWriter err) {
    err.printf(Locale.ROOT, "sigwatch replay %s: %d rules over the entry topics %s, %s%s%s%s, matches to %s%n", name,
        watchlist.size(), topics.rekorEntries().name(), topics.ctEntries().name(),
        scan.logId() == null ? "" : ", log " + scan.logId(), bound(", from ", scan.from(), scan.fromIndex()),
        bound(", to ", scan.to(), scan.toIndex()), out.describe());
    StopOnSignal stop = new StopOnSignal();
    long t0 = System.nanoTime();
    long[] lastPrint = {0};
    TopicReplayer.Outcome o = new TopicReplayer(client, topics).run(name, watchlist, scan, out, (read, total, m) -> {
      long now = System.nanoTime();
      if (now - lastPrint[0] >= 500_000_000L || read >= total) {
        lastPrint[0] = now;
        err.print("\r" + line(read, total, (now - t0) / 1e9, m));
        err.flush();
        if (store != null) store.replayChunkDone(name, 0, read, total, m);
      }
    }, stop::requested);
    stop.release();
    err.print("\r" + line(o.read(), Math.max(o.total(), o.read()), (System.nanoTime() - t0) / 1e9, o.matches()));
    err.println();
    for (String note : o.notes()) err.println("sigwatch replay " + name + ": " + note);
    if (o.malformed() > 0) {
      err.printf(Locale.ROOT, "sigwatch replay %s: %,d malformed records skipped:%n", name, o.malformed());
      o.reasons().entrySet().stream()
          .sorted(Comparator.comparingLong((Map.Entry<String, TopicReplayer.Malformed> e) -> -e.getValue().count()))
          .forEach(e -> err.printf(Locale.ROOT, "  %,d × %s (first: %s)%n", e.getValue().count(), e.getKey(),
              e.getValue().first()));
    }
    if (store != null) {
      store.replayChunkDone(name, 0, o.read(), Math.max(o.total(), o.read()), o.matches());
      store.finishReplay(name, o.state(), o.error());
    }
    switch (o.state()) {
      case DONE -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: done, %,d records, %,d entries in bounds, %,d malformed, %,d "
            + "matches in %s%n", name, o.read(), o.entries(), o.malformed(), o.matches(), out.describe());
        return 0;
      }
      case CANCELLED -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: interrupted after %,d records; run it again under a new --name "
            + "(same alert ids)%n", name, o.read());
        return 1;
      }
      default -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: failed after %,d records: %s%n", name, o.read(), o.error());
        return 1;
      }
    }
  }

  private static String bound(String label, Instant time, Long index) {
    return time != null ? label + time : index != null ? label + "#" + index : "";
  }

  private static String line(long read, long total, double seconds, long matches) {
    return BackfillCommand.progress(read, total, seconds, "records",
        String.format(Locale.ROOT, "%,d / %,d  %,d matches", read, total, matches));
  }
}
