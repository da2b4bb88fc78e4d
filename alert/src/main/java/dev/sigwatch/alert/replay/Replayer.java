package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityFacts;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoredIdentity;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a watchlist over the stored identity events of a scan, chunk by chunk, in id order:
 * <pre>
 *   1 reader thread: store.identityFacts (SQL + decoding of the matched-on columns) ==> 1 matcher (this thread):
 *     watchlist over each event ==> store.identitiesById(the chunk's hits) ==> output.write(REPLAY_MATCH alerts)
 *     ==> store.replayChunkDone(last id, counts)
 * </pre>
 * The reader fetches the next chunk while the matcher works on the current one (two cores, two halves of the work).
 * Progress is persisted per chunk after its alerts are durable in the output, so a replay stopped anywhere resumes
 * after its last finished chunk ({@link ReplayRun#afterId}) and loses nothing; at worst it writes one chunk's alerts
 * again, with the same ids.
 *
 * <p>Not thread-safe: one run per instance at a time.
 */
public final class Replayer {
  private static final Logger log = LoggerFactory.getLogger(Replayer.class);
  /** Events per chunk: one query and one progress write each. */
  public static final int DEFAULT_CHUNK = 10_000;

  /** Told after each chunk; {@code total} is what the scan selects in all (including what an earlier run did). */
  @FunctionalInterface
  public interface Progress {
    void chunk(long scanned, long total, long matches);
  }

  /** How a run ended. */
  public record Outcome(ReplayRun.State state, long scanned, long total, long matches, String error) {}

  private final AlertStore store;
  private final int chunk;

  public Replayer(AlertStore store, int chunk) {
    if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, was " + chunk);
    this.store = store;
    this.chunk = chunk;
  }

  /**
   * Runs (or resumes) the replay {@code run}, which must exist in the store in state RUNNING, to its end; records the
   * end with {@link AlertStore#finishReplay}. Never throws for a failure of the store or the output: the run ends
   * FAILED with the reason (and the output's alerts so far stay).
   *
   * @param cancelled polled between chunks: true ends the run CANCELLED (resumable)
   */
  public Outcome run(ReplayRun run, Watchlist watchlist, IdentityScan scan, ReplayOutput output, Progress progress,
      BooleanSupplier cancelled) {
    String name = run.name();
    long scanned = run.scanned();
    long matches = run.matches();
    long total = -1;
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "replay-reader-" + name);
      t.setDaemon(true);
      return t;
    });
    try {
      AlertStore.IdSpan span = store.identitySpan(scan);
      // The span is what the scan selects now. A resumed run keeps its first total (events stored since it started
      // may be read too: the total is then a little short, never a reason to stop early).
      long after = Math.max(run.afterId(), span.firstId() - 1);
      long last = span.lastId();
      total = run.afterId() == 0 ? span.count() : Math.max(run.total(), scanned);
      log.info("replay {}: {} identity events to read (ids {}..{}), output {}", name, total - scanned, after + 1, last,
          output.describe());
      store.replayChunkDone(name, after, scanned, total, matches);
      progress.chunk(scanned, total, matches);
      long from = after;
      Future<List<IdentityFacts>> next = span.count() == 0 || after >= last ? null
          : reader.submit(() -> store.identityFacts(scan, from, last, chunk));
      while (next != null) {
        List<IdentityFacts> events = next.get();
        boolean more = events.size() == chunk;
        if (more) {
          long nextAfter = events.get(events.size() - 1).id();
          next = reader.submit(() -> store.identityFacts(scan, nextAfter, last, chunk));
        } else {
          next = null;
        }
        List<Alert> alerts = match(store, name, watchlist, events);
        output.write(alerts);
        scanned += events.size();
        matches += alerts.size();
        if (!events.isEmpty()) after = events.get(events.size() - 1).id();
        store.replayChunkDone(name, after, scanned, total, matches);
        progress.chunk(scanned, total, matches);
        if (next != null && cancelled.getAsBoolean()) {
          next.cancel(true);
          log.info("replay {}: cancelled after {} of {} events, {} matches", name, scanned, total, matches);
          store.finishReplay(name, ReplayRun.State.CANCELLED, "cancelled after " + scanned + " events");
          return new Outcome(ReplayRun.State.CANCELLED, scanned, total, matches, null);
        }
      }
      store.finishReplay(name, ReplayRun.State.DONE, null);
      log.info("replay {}: done, {} events, {} matches", name, scanned, matches);
      return new Outcome(ReplayRun.State.DONE, scanned, total, matches, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(name, scanned, total, matches, "interrupted");
    } catch (ExecutionException | IOException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.warn("replay {}: failed after {} events: {}", name, scanned, cause.toString());
      return failed(name, scanned, total, matches, cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } finally {
      reader.shutdownNow();
    }
  }

  private Outcome failed(String name, long scanned, long total, long matches, String why) {
    try {
      store.finishReplay(name, ReplayRun.State.FAILED, why);
    } catch (RuntimeException e) {
      log.warn("replay {}: could not record the failure in the store: {}", name, e.toString());
    }
    return new Outcome(ReplayRun.State.FAILED, scanned, total, matches, why);
  }

  /**
   * The REPLAY_MATCH alerts of one chunk, in id order: the watchlist over each event's facts, then the matching
   * events read whole (a few per chunk) for their alerts, matched again on the whole event so the alert says exactly
   * what matched.
   */
  static List<Alert> match(AlertStore store, String name, Watchlist watchlist, List<IdentityFacts> events) {
    List<Long> hits = new ArrayList<>();
    for (IdentityFacts f : events) {
      if (!watchlist.match(f.toMatchable()).isEmpty()) hits.add(f.id());
    }
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < hits.size(); i += 1000) {
      for (StoredIdentity s : store.identitiesById(hits.subList(i, Math.min(hits.size(), i + 1000)))) {
        IdentityEvent e = s.toEvent();
        for (RuleMatch m : watchlist.match(e)) out.add(ReplayAlerts.of(name, s, e, m));
      }
    }
    return out;
  }
}
