package dev.sigwatch.deploy.trust;

import dev.sigwatch.core.trust.TrustChange;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust state while sigwatch runs: refreshed from a TUF repository every {@code interval}, swapped atomically
 * for readers (verify reads {@link #root()} at every checkpoint), diffed against the last good state (one
 * TRUST_CHANGED alert per change), then handed to listeners (discovery starts ingesting new logs). A failed refresh
 * keeps the last good state; when refreshes have failed for {@code alertAfter}, one HEALTH alert per outage.
 *
 * <p>With a {@link TrustMemory} ({@link #remember}), changes are diffed against what the monitor last trusted, kept
 * across restarts: a change made while sigwatch was stopped is raised at the next start, and a change is stored as
 * trusted only once all its alerts were sent (a failed send is retried at the next refresh, with the same alert ids).
 *
 * <p>Thread-safe; refreshes run one at a time on one daemon thread. Memory: the state in use and the last trusted one
 * (the same instance except after a fallback start or a failed send).
 */
public final class LiveTrust implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveTrust.class);

  /** Fetches the whole trust state (a TUF update plus the configured overrides). */
  @FunctionalInterface
  public interface Fetcher {
    TrustState fetch() throws TrustException;
  }

  private final String name;
  private final Fetcher fetcher;
  private final Duration interval;
  private final Duration alertAfter;
  private final Clock clock;
  private final Consumer<Alert> alerts;
  private final AtomicReference<TrustState> current;
  /** What changes are diffed against: the last state whose changes were all sent (and stored, with a memory). */
  private TrustState trusted;
  private TrustMemory memory;
  private final List<Consumer<TrustState>> listeners = new CopyOnWriteArrayList<>();
  private Instant lastGood;
  private Instant failingSince;
  private boolean alerted;
  private ScheduledExecutorService timer;

  /**
   * @param name the repository, for alerts and logs
   * @param initial the state fetched at startup
   * @param alerts where TRUST_CHANGED and HEALTH alerts go (the alerts topic)
   */
  public LiveTrust(String name, Fetcher fetcher, TrustState initial, Duration interval, Duration alertAfter, Clock clock,
                   Consumer<Alert> alerts) {
    this.name = name;
    this.fetcher = fetcher;
    this.interval = interval;
    this.alertAfter = alertAfter;
    this.clock = clock;
    this.alerts = alerts;
    this.current = new AtomicReference<>(initial);
    this.trusted = initial;
    this.lastGood = clock.instant();
  }

  /**
   * Keeps what the monitor trusts in {@code memory} from now on, and compares the state in use with what it trusted
   * when it last ran: each difference is a TRUST_CHANGED alert now (the same id as if it had been seen live). Call
   * once, at startup, before {@link #start}.
   *
   * @param fallback whether the state in use is a stand-in (the bundled root, TUF unreachable): then nothing is
   *     compared or stored until a refresh brings the real state, which is compared with the remembered one
   * @return the changes raised
   */
  public synchronized List<TrustChange> remember(TrustMemory memory, boolean fallback) {
    this.memory = memory;
    Optional<TrustState> last = memory.load();
    if (fallback) {
      trusted = last.orElse(trusted);
      return List.of();
    }
    if (last.isEmpty()) {
      log.info("trust: no earlier trust state in {}; storing the one in use", memory.file());
      store(current.get());
      return List.of();
    }
    trusted = last.get();
    return apply(current.get(), "since the last run");
  }

  /**
   * Where a stage that follows the trust state but does not raise its alerts sends them: its log. In a deployment of
   * one process per stage the verify stage raises TRUST_CHANGED / HEALTH (one stage, so each change is sent once).
   */
  public static Consumer<Alert> logOnly(String stage) {
    return a -> log.info("{}: trust alert {} (raised by the verify stage): {}", stage, a.getType(), a.getSummary());
  }

  public TrustState current() {
    return current.get();
  }

  /** The trusted root now: cheap, any thread. */
  public TrustedRoot root() {
    return current.get().trustedRoot();
  }

  /** Called (on the refresh thread) with each new state after its alerts were sent. */
  public void onChange(Consumer<TrustState> listener) {
    listeners.add(listener);
  }

  /** Refreshes every {@code interval} from now on. */
  public synchronized LiveTrust start() {
    if (timer != null) throw new IllegalStateException("already started");
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trust-refresh");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
    log.info("trust: refreshing from {} every {}", name, interval);
    return this;
  }

  /** One refresh now. Returns the changes applied (empty: unchanged or failed). */
  public synchronized List<TrustChange> refresh() {
    TrustState next;
    try {
      next = fetcher.fetch();
    } catch (TrustException | RuntimeException e) {
      failed(e);
      return List.of();
    }
    if (failingSince != null) {
      log.info("trust: refresh from {} works again (failing since {})", name, failingSince);
    }
    failingSince = null;
    alerted = false;
    lastGood = clock.instant();
    TrustState inUse = current.get();
    boolean swapped = next != inUse && (next.digests().isEmpty() || !next.digests().equals(inUse.digests()));
    if (swapped) current.set(next);
    List<TrustChange> changes = apply(next, "from " + name);
    if (swapped) {
      for (Consumer<TrustState> l : listeners) {
        try {
          l.accept(next);
        } catch (RuntimeException e) {
          log.error("trust: applying the new trust state failed", e);
        }
      }
    }
    return changes;
  }

  /** Raises the changes from the last trusted state to {@code next}; once all are sent, {@code next} is trusted. */
  private List<TrustChange> apply(TrustState next, String where) {
    if (!next.digests().isEmpty() && next.digests().equals(trusted.digests())) return List.of();
    List<TrustChange> changes = TrustDiff.between(trusted, next);
    boolean sent = true;
    if (!changes.isEmpty()) {
      log.warn("trust: {} change(s) {}: {}", changes.size(), where, changes.stream().map(TrustChange::summary).toList());
      long now = clock.millis();
      for (TrustChange c : changes) {
        sent &= send(TrustAlerts.changed(name, c, now));
      }
    }
    if (sent) {
      trusted = next;
      store(next);
    } else {
      log.warn("trust: not every TRUST_CHANGED alert was sent; the changes are raised again at the next refresh");
    }
    return changes;
  }

  private void store(TrustState state) {
    if (memory == null) return;
    try {
      memory.save(state);
    } catch (java.io.IOException | RuntimeException e) {
      log.error("trust: storing the trusted state in {} failed ({}); a restart may raise its changes again (same "
          + "alert ids)", memory.file(), e.getMessage());
    }
  }

  private void failed(Exception e) {
    Instant now = clock.instant();
    if (failingSince == null) failingSince = now;
    String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    log.warn("trust: refresh from {} failed (failing since {}, last good state from {} kept): {}", name, failingSince,
        lastGood, error);
    if (!alerted && !now.isBefore(failingSince.plus(alertAfter))) {
      alerted = true;
      send(TrustAlerts.refreshFailing(name, failingSince, lastGood, error, now.toEpochMilli()));
    }
  }

  private boolean send(Alert a) {
    try {
      alerts.accept(a);
      return true;
    } catch (RuntimeException e) {
      log.error("trust: sending alert {} ({}) failed: {}", a.getAlertId(), a.getType(), e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) timer.shutdownNow();
  }
}
