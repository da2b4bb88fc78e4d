package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch task of an {@link IngestPoller}'s window: fetches one batch, retrying until it is served (never skipping),
 * and holds it within the window's {@link HeldBudget}. Runs on the fetch pool, several at once.
 */
final class BatchFetcher {
  private static final Logger log = LoggerFactory.getLogger(BatchFetcher.class);
  private static final Duration FETCH_RETRY_PAUSE = Duration.ofSeconds(1);

  /** A fetched batch and the bytes of the budget it holds until published. */
  record HeldBatch(List<Fetched> fetched, long bytes) {
    /** Not a batch: the log no longer serves the tree it would be authenticated against (compared by identity). */
    static final HeldBatch TREE_NOT_SERVED = new HeldBatch(List.of(), 0);
  }

  /** A failure of a fetch task, naming its index range. */
  static final class StepFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailure(String step, Throwable cause) {
      super(step, cause);
    }
  }

  private final LogSource source;
  private final IngestMetrics metrics;
  private final Sleeper sleeper;
  private final PollerOutput output;
  private final BooleanSupplier running;
  private final LongSupplier position;
  /** The last "tree not served" failure reported to the DLQ: a log that stays forked is reported once. */
  private volatile String lastTreeNotServed;

  /**
   * @param running false once the poller stops
   * @param position the poller's next index to publish (the head batch always fits the budget)
   */
  BatchFetcher(LogSource source, IngestMetrics metrics, Sleeper sleeper, PollerOutput output, BooleanSupplier running,
      LongSupplier position) {
    this.source = source;
    this.metrics = metrics;
    this.sleeper = sleeper;
    this.output = output;
    this.running = running;
    this.position = position;
  }

  /**
   * Fetches {@code [a, b)}, retrying until it is served (never skipping), and holds it within {@code budget}: a batch
   * that does not fit is dropped and fetched again when there is room (the head batch always fits). Null when stopping
   * or abandoned; {@link HeldBatch#TREE_NOT_SERVED} when the log no longer serves the tree the batch is authenticated
   * against (the poller polls before fetching it again).
   */
  HeldBatch fetch(long a, long b, AtomicBoolean abandoned, HeldBudget budget) {
    long needed = 1;
    while (running.getAsBoolean() && !abandoned.get()) {
      try {
        budget.awaitRoom(needed, () -> position.getAsLong() == a, () -> !running.getAsBoolean() || abandoned.get());
        if (!running.getAsBoolean() || abandoned.get()) return null;
        List<Fetched> got = source.fetch(a, b);
        metrics.up(source.name(), true);
        long bytes = HeldBudget.bytes(got);
        if (budget.tryHold(bytes, position.getAsLong() == a)) {
          metrics.held(source.name(), budget.held());
          return new HeldBatch(got, bytes);
        }
        needed = bytes;
        metrics.refetched(source.name());
        log.debug("{}: [{}, {}) fetched ({} bytes) while the batches before it hold the {}-byte budget: dropped, "
            + "fetched again when there is room", source.name(), a, b, bytes, budget.limit());
      } catch (TreeNotServedException e) {
        if (abandoned.get()) return null;
        String reason = String.format(Locale.ROOT, "fetching [%d, %d): %s", a, b, e.getMessage());
        if (!reason.equals(lastTreeNotServed)) { // once, not at every poll of a log that stays forked
          log.error("{}: {}", source.name(), reason);
          output.failure(reason);
        }
        lastTreeNotServed = reason;
        return HeldBatch.TREE_NOT_SERVED;
      } catch (IOException e) {
        if (abandoned.get()) return null;
        metrics.up(source.name(), false);
        log.error("{}: fetching [{}, {}) failed, fetching it again: {}", source.name(), a, b, e.getMessage());
        output.failure(String.format(Locale.ROOT, "fetching [%d, %d): %s", a, b, e.getMessage()));
        try {
          sleeper.sleep(FETCH_RETRY_PAUSE);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (RuntimeException e) {
        throw new StepFailure(String.format(Locale.ROOT, "fetching [%d, %d)", a, b), e);
      }
    }
    return null;
  }
}
