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
 * <p>Thread-safe; refreshes run one at a time on one daemon thread. Memory: one state at a time (the previous one is
 * dropped once diffed).
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
    this.lastGood = clock.instant();
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
    TrustState prev = current.get();
    if (!next.digests().isEmpty() && next.digests().equals(prev.digests())) return List.of();
    List<TrustChange> changes = TrustDiff.between(prev, next);
    current.set(next);
    if (changes.isEmpty()) return changes;
    log.warn("trust: {} change(s) from {}: {}", changes.size(), name, changes.stream().map(TrustChange::summary).toList());
    long now = clock.millis();
    for (TrustChange c : changes) {
      send(TrustAlerts.changed(name, c, now));
    }
    for (Consumer<TrustState> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.error("trust: applying the new trust state failed", e);
      }
    }
    return changes;
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

  private void send(Alert a) {
    try {
      alerts.accept(a);
    } catch (RuntimeException e) {
      log.error("trust: sending alert {} ({}) failed: {}", a.getAlertId(), a.getType(), e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) timer.shutdownNow();
  }
}
