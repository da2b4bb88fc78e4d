package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.replay.ReplayOutput;
import dev.sigwatch.alert.replay.ReplayService;
import dev.sigwatch.alert.replay.Replayer;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch replay}: a watchlist over history (the identity events in the alert store), with a progress line on
 * stderr, its matches written to its own output and never to the live alerts. Resumable per chunk.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Forensic replay: run a watchlist over history — every identity event kept in the alert store "
        + "(who signed or was issued what, where, when), or with --source topics the raw entries still retained in "
        + "the entry topics — and report what it matches, with a progress line "
        + "(rate, ETA) on stderr.",
        "",
        "The watchlist is rekor-monitor's YAML (a rekor-monitor config, or its monitoredValues block), read as "
        + "'sigwatch match' reads it.",
        "Matches are REPLAY_MATCH alerts written to the replay's own output: the store under the replay's name "
        + "(default; API GET /api/v1/replays/<name>/results), a JSON-lines file (--out) or the topic "
        + "sigwatch.replay.<name> (--topic). Never to sigwatch.alerts: history is not news.",
        "A REPLAY_MATCH checked the rule against the identities extracted when the entry was read; it did NOT "
        + "re-verify the certificate chain (the store keeps fingerprints, not certificates) nor the entry's "
        + "inclusion in a signed tree: its evidence says so.",
        "Progress is saved after every chunk: after a crash or Ctrl-C, 'sigwatch replay --name N --resume' goes on "
        + "from there (a chunk may be written twice, with the same alert ids).",
        "",
        "Examples:",
        "  sigwatch replay --watchlist rekor-monitor.yaml --from 2026-09-01T00:00:00Z --name acme-q3",
        "  sigwatch replay --watchlist w.yaml --log 'rekor.sigstore.dev - 1193050959916656506' --from 1000000 "
            + "--to 2000000 --out hits.jsonl",
        "  sigwatch replay --source topics --watchlist w.yaml --from 2026-11-01T00:00:00Z --out hits.jsonl",
        "",
        "Exit codes: 0 done, 1 failed or interrupted (resumable), 2 bad arguments, watchlist or configuration."})
public final class ReplayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", description = "sigwatch config (YAML): store.* says which store to read; kafka.* "
      + "where --topic writes")
  Path config;

  /** Where history is read from. */
  enum Source { store, topics }

  @Option(names = "--source", paramLabel = "store|topics", defaultValue = "store", description = "what to replay: "
      + "'store' (default) the identity events kept in the alert store; 'topics' the raw entries still retained in "
      + "sigwatch.rekor.entries and sigwatch.ct.entries (90 days), read with a plain consumer in no consumer group "
      + "and parsed again as the match stage parses them. With topics a TIME bound is the records' Kafka timestamp "
      + "(when ingest read the entry), an INDEX bound needs --log, malformed records are counted and skipped with "
      + "their reason, and there is no --resume (run it again: same alert ids).")
  Source source = Source.store;

  @Option(names = "--watchlist", paramLabel = "FILE", description = "the watchlist: rekor-monitor YAML "
      + "(monitoredValues: certIdentities, subjects, fingerprints, oidMatchers). Required unless --resume.")
  Path watchlist;

  @Option(names = "--from", paramLabel = "TIME|INDEX", description = "start, inclusive: an ISO-8601 UTC time of the "
      + "entry (2026-09-01T00:00:00Z) or a log index (digits; with --log). Default: the oldest stored event.")
  String from;

  @Option(names = "--to", paramLabel = "TIME|INDEX", description = "end, exclusive: a time or a log index. "
      + "Default: the newest stored event when the replay starts.")
  String to;

  @Option(names = "--log", paramLabel = "LOG_ID", description = "only this log, by the log id the store shows "
      + "(GET /api/v1/logs), e.g. 'rekor.sigstore.dev - 1193050959916656506'. Default: every log.")
  String log;

  @Option(names = "--name", paramLabel = "N", description = "the replay's name ([A-Za-z0-9._-], at most 100): its "
      + "progress and results in the store, its topic. Default: replay-<UTC time>.")
  String name;

  @Option(names = "--resume", description = "continue the stopped replay --name after its last finished chunk, "
      + "with the watchlist and bounds it was started with (give the same output again)")
  boolean resume;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Output output;

  static final class Output {
    @Option(names = "--out", paramLabel = "FILE", description = "append matches to FILE as JSON lines (one alert a "
        + "line, as the jsonlines sink writes)")
    Path file;

    @Option(names = "--topic", description = "write matches to the topic sigwatch.replay.<name> (created if missing)")
    boolean topic;

    @Option(names = "--store", description = "keep matches in the store under the replay's name (the default)")
    boolean store;
  }

  @Option(names = "--chunk", hidden = true, defaultValue = "10000", description = "event ids per chunk")
  int chunk;

  @Option(names = "--workers", paramLabel = "N", description = "ranges of events read and matched at once "
      + "(default: one per core, here ${DEFAULT-VALUE}); on a machine busy with other work, 1 may be faster")
  int workers = Replayer.DEFAULT_WORKERS;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    SigwatchConfig cfg;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    } catch (ConfigException e) {
      err.println("sigwatch replay: " + e.getMessage());
      return 2;
    }
    if (source == Source.topics) {
      return TopicReplayCommand.run(this, cfg, err);
    }
    if (!cfg.store().enabled()) {
      err.println("sigwatch replay: the alert store is disabled (store.enabled: false): there is no history to "
          + "replay");
      return 2;
    }
    if (workers < 1 || chunk < 1) {
      err.println("sigwatch replay: --workers and --chunk must be at least 1");
      return 2;
    }
    if (resume && name == null) {
      err.println("sigwatch replay: --resume needs --name of the replay to continue");
      return 2;
    }
    if (!resume && watchlist == null) {
      err.println("sigwatch replay: --watchlist FILE is required (rekor-monitor YAML); see --help");
      return 2;
    }
    String replayName = name != null ? name
        : "replay-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
            .format(Instant.now());
    String yaml = null;
    if (!resume) {
      try {
        if (Files.size(watchlist) > dev.sigwatch.alert.replay.ReplayWatchlist.MAX_CHARS) {
          err.println("sigwatch replay: " + watchlist + " is larger than a watchlist can be (1 MiB)");
          return 2;
        }
        yaml = Files.readString(watchlist, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("sigwatch replay: cannot read the watchlist " + watchlist + ": " + e);
        return 2;
      }
    }
    KafkaRuntime kafka = null;
    try (AlertStore store = cfg.store().open(cfg.dataDir())) {
      if (resume && store.replay(replayName).filter(r -> "topics".equals(r.source())).isPresent()) {
        err.println("sigwatch replay: " + replayName + " replayed the entry topics, which does not resume: run it "
            + "again with --source topics under a new --name (same alert ids)");
        return 2;
      }
      ReplayService.Prepared p;
      try {
        p = resume ? ReplayService.resume(store, replayName)
            : ReplayService.prepare(store, replayName, yaml, from, to, log, outputName(replayName), Instant.now());
      } catch (IllegalArgumentException e) {
        err.println("sigwatch replay: " + e.getMessage());
        return 2;
      }
      if (output != null && output.topic) {
        kafka = WatchlistCommand.existingKafka(cfg, err, "sigwatch replay");
        if (kafka == null) {
          store.finishReplay(replayName, ReplayRun.State.FAILED, "no Kafka for --topic");
          return 1;
        }
      }
      try (ReplayOutput out = open(store, replayName, kafka)) {
        return run(store, p, out, err);
      }
    } finally {
      if (kafka != null) kafka.close();
    }
  }

  String outputName(String replayName) {
    if (output == null || output.store) return "store";
    if (output.file != null) return "file:" + output.file.toAbsolutePath();
    return "topic:" + dev.sigwatch.schemas.topics.Topics.REPLAY_PREFIX + replayName;
  }

  ReplayOutput open(AlertStore store, String replayName, KafkaRuntime kafka) throws IOException {
    if (output == null || output.store) return ReplayOutput.store(store, replayName);
    if (output.file != null) return ReplayOutput.file(output.file);
    return ReplayOutput.topic(kafka.clientProperties(), kafka.topics().replay(replayName));
  }

  private int run(AlertStore store, ReplayService.Prepared p, ReplayOutput out, PrintWriter err) {
    String n = p.run().name();
    err.printf(Locale.ROOT, "sigwatch replay %s: %d rules over %s%s%s%s, matches to %s%n", n, p.watchlist().size(),
        store.describe(), p.run().logId() == null ? "" : ", log " + p.run().logId(),
        p.run().fromSpec() == null ? "" : ", from " + p.run().fromSpec(),
        p.run().toSpec() == null ? "" : ", to " + p.run().toSpec(), out.describe());
    StopOnSignal stop = new StopOnSignal();
    long t0 = System.nanoTime();
    long startScanned = p.run().scanned();
    long[] lastPrint = {0};
    Replayer.Outcome o = new Replayer(store, chunk, workers).run(p.run(), p.watchlist(), p.scan(), out, (done, total, m) -> {
      long now = System.nanoTime();
      if (now - lastPrint[0] >= 500_000_000L || done >= total) {
        lastPrint[0] = now;
        err.print("\r" + line(done, total, startScanned, (now - t0) / 1e9, m));
        err.flush();
      }
    }, stop::requested);
    stop.release();
    err.print("\r" + line(o.scanned(), Math.max(o.total(), o.scanned()), startScanned, (System.nanoTime() - t0) / 1e9,
        o.matches()));
    err.println();
    switch (o.state()) {
      case DONE -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: done, %,d events, %,d matches in %s%n", n, o.scanned(),
            o.matches(), out.describe());
        return 0;
      }
      case CANCELLED -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: interrupted after %,d events; continue with "
            + "'sigwatch replay --name %s --resume'%n", n, o.scanned(), n);
        return 1;
      }
      default -> {
        err.printf(Locale.ROOT, "sigwatch replay %s: failed after %,d events: %s; continue with "
            + "'sigwatch replay --name %s --resume'%n", n, o.scanned(), o.error(), n);
        return 1;
      }
    }
  }

  private static String line(long done, long total, long startScanned, double seconds, long matches) {
    // The rate and ETA count only this run's events (a resumed run starts at startScanned).
    String bar = BackfillCommand.progress(done - startScanned, Math.max(0, total - startScanned), seconds, "events",
        String.format(Locale.ROOT, "%,d / %,d  %,d matches", done, total, matches));
    return bar;
  }
}
