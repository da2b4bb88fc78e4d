package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.api.ReplayStarter;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.match.watchlist.Watchlist;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays started through the HTTP API ({@code POST /api/v1/replays}): each runs in the background over the store
 * the server reads, its matches kept in the store under its name. One replay runs at a time (a replay uses both
 * cores); the others wait their turn in state RUNNING with nothing processed yet. Thread-safe.
 */
public final class ReplayService implements ReplayStarter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

  private final AlertStore store;
  private final Clock clock;
  private final ExecutorService runner;
  private volatile boolean closing;

  public ReplayService(AlertStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.runner = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "replay-runner");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public ReplayRun start(String name, String watchlistYaml, String from, String to, String logId) {
    try {
      ReplayWatchlist.parse(watchlistYaml);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("watchlist: " + e.getMessage(), e); // names the API's field
    }
    Prepared p = prepare(store, name, watchlistYaml, from, to, logId, "store", clock.instant());
    runner.submit(() -> {
      try (ReplayOutput out = ReplayOutput.store(store, name)) {
        new Replayer(store, Replayer.DEFAULT_CHUNK).run(p.run(), p.watchlist(), p.scan(), out, (s, t, m) -> {},
            () -> closing);
      } catch (Exception | Error e) {
        log.warn("replay {}: {}", name, e.toString());
      }
    });
    return p.run();
  }

  /** A replay checked and registered in the store, ready to run. */
  public record Prepared(ReplayRun run, Watchlist watchlist, IdentityScan scan) {}

  /**
   * Checks a replay's watchlist and bounds and registers it in the store (state RUNNING, nothing processed).
   *
   * @throws IllegalArgumentException naming what is wrong (the watchlist, a bound, a name in use)
   */
  public static Prepared prepare(AlertStore store, String name, String watchlistYaml, String from, String to,
      String logId, String output, Instant now) {
    Watchlist w = ReplayWatchlist.parse(watchlistYaml);
    IdentityScan scan = ReplayRange.scan(logId, from, to);
    ReplayRun run = new ReplayRun(name, watchlistYaml, "store", from, to, logId, ReplayRun.State.RUNNING, 0, -1, 0,
        now, now, null, null, output, 0);
    store.createReplay(run);
    return new Prepared(run, w, scan);
  }

  /**
   * A stopped replay (FAILED, CANCELLED, or RUNNING when its process died) made ready to continue after its last
   * finished chunk, with the watchlist and bounds it was started with.
   *
   * @throws IllegalArgumentException when there is no such replay, or it is DONE
   */
  public static Prepared resume(AlertStore store, String name) {
    ReplayRun old = store.replay(name).orElseThrow(() -> new IllegalArgumentException("no replay named '" + name
        + "' in " + store.describe()));
    if (old.state() == ReplayRun.State.DONE) {
      throw new IllegalArgumentException("replay '" + name + "' is DONE; nothing to resume");
    }
    Watchlist w = ReplayWatchlist.parse(old.watchlist());
    IdentityScan scan = ReplayRange.scan(old.logId(), old.fromSpec(), old.toSpec());
    store.resumeReplay(name);
    return new Prepared(store.replay(name).orElseThrow(), w, scan);
  }

  /** Stops the running replay after its current chunk (CANCELLED, resumable) and waits a little for it. */
  @Override
  public void close() {
    closing = true;
    runner.shutdownNow();
    try {
      runner.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
