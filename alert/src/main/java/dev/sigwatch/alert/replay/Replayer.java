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
import dev.sigwatch.schemas.WatchRule;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a watchlist over the stored identity events of a scan, in id ranges of {@code chunk} ids, in parallel:
 * <pre>
 *   N workers, each on its own id range: store.identityFacts (SQL + decoding of the matched-on columns) ==>
 *     the watchlist over each event ==> store.identitiesById(the range's few hits) ==> REPLAY_MATCH alerts
 *   1 writer (this thread), in range order: output.write(alerts) ==> store.replayChunkDone(range end, counts)
 * </pre>
 * Reading and decoding rows is most of a replay's cost, and one reader kept one core busy while the matcher waited
 * on it: each worker now reads, decodes and matches a whole range, so every core does all three. Ranges are handed
 * out in id order and written in id order, whatever order the workers finish them in, so progress is persisted per
 * range after its alerts are durable in the output and a replay stopped anywhere resumes after its last finished
 * range ({@link ReplayRun#afterId}) and loses nothing; at worst it writes one range's alerts again, with the same ids.
 *
 * <p>Not thread-safe: one run per instance at a time.
 */
public final class Replayer {
  private static final Logger log = LoggerFactory.getLogger(Replayer.class);
  /** Ids per range (a chunk): one query and one progress write each. */
  public static final int DEFAULT_CHUNK = 10_000;
  /** Workers by default: one per core. */
  public static final int DEFAULT_WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /** Told after each chunk; {@code total} is what the scan selects in all (including what an earlier run did). */
  @FunctionalInterface
  public interface Progress {
    void chunk(long scanned, long total, long matches);
  }

  /** How a run ended. */
  public record Outcome(ReplayRun.State state, long scanned, long total, long matches, String error) {}

  /** One range's work: its last id, how many events it held, the alerts they raised. */
  private record Done(long lastId, int events, List<Alert> alerts) {}

  private final AlertStore store;
  private final int chunk;
  private final int workers;

  public Replayer(AlertStore store, int chunk) {
    this(store, chunk, DEFAULT_WORKERS);
  }

  /**
   * @param chunk ids per range
   * @param workers ranges read and matched at once (each holds a store connection while it reads)
   */
  public Replayer(AlertStore store, int chunk, int workers) {
    if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, was " + chunk);
    if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    this.store = store;
    this.chunk = chunk;
    this.workers = workers;
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
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "replay-" + threads.incrementAndGet() + "-" + name);
      t.setDaemon(true);
      return t;
    });
    Deque<Future<Done>> inFlight = new ArrayDeque<>();
    try {
      AlertStore.IdSpan span = store.identitySpan(scan);
      // The span is what the scan selects now. A resumed run keeps its first total (events stored since it started
      // may be read too: the total is then a little short, never a reason to stop early).
      long after = Math.max(run.afterId(), span.firstId() - 1);
      long last = span.count() == 0 ? after : span.lastId();
      total = run.afterId() == 0 ? span.count() : Math.max(run.total(), scanned);
      log.info("replay {}: {} identity events to read (ids {}..{}), {} workers, output {}", name, total - scanned,
          after + 1, last, workers, output.describe());
      store.replayChunkDone(name, after, scanned, total, matches);
      progress.chunk(scanned, total, matches);
      IdentityFacts.Columns columns = columns(watchlist);
      long handedOut = after;
      while (true) {
        // Two ranges per worker in flight: a worker never waits for the writer to take its result.
        while (inFlight.size() < 2 * workers && handedOut < last) {
          long from = handedOut;
          long to = last - from <= chunk ? last : from + chunk;
          inFlight.add(pool.submit(() -> range(store, name, watchlist, columns, scan, from, to)));
          handedOut = to;
        }
        Future<Done> head = inFlight.poll();
        if (head == null) break;
        Done d = head.get();
        output.write(d.alerts());
        scanned += d.events();
        matches += d.alerts().size();
        after = d.lastId();
        store.replayChunkDone(name, after, scanned, total, matches);
        progress.chunk(scanned, total, matches);
        if (after < last && cancelled.getAsBoolean()) {
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
      for (Future<Done> f : inFlight) f.cancel(true);
      pool.shutdownNow();
    }
  }

  /** The ids in {@code (from, to]}: read, matched, the hits read whole into alerts. Runs on a worker. */
  private static Done range(AlertStore store, String name, Watchlist watchlist, IdentityFacts.Columns columns,
      IdentityScan scan, long from, long to) {
    List<IdentityFacts> events = store.identityFacts(scan, from, to, (int) Math.min(Integer.MAX_VALUE, to - from),
        columns);
    return new Done(to, events.size(), match(store, name, watchlist, events));
  }

  /** The facts {@code watchlist}'s rules look at ({@link Watchlist#match}): the rest is not read. */
  static IdentityFacts.Columns columns(Watchlist watchlist) {
    boolean sans = false;
    boolean subjects = false;
    boolean fingerprints = false;
    boolean extensions = false;
    for (WatchRule r : watchlist.rules()) {
      switch (r.getType()) {
        case CERT_IDENTITY -> sans = true;
        case SUBJECT -> subjects = true;
        case FINGERPRINT -> fingerprints = true;
        case FULCIO_EXTENSION, OID_EXTENSION -> extensions = true;
        default -> {
          return IdentityFacts.Columns.ALL; // a rule type this code does not know: read everything
        }
      }
    }
    return new IdentityFacts.Columns(sans, subjects, fingerprints, extensions);
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
