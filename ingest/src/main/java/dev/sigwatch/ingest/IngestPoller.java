package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.ShardState;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one log, exactly once, on its own thread:
 * <pre>
 * 1 poll thread: checkpoint poll ==> publish new checkpoints (+ consistency proofs)
 *      ==> N fetch tasks (batches [a,b) in flight) ==> in-order publish ==> Kafka transaction commit (every K records)
 * </pre>
 * <b>Position:</b> each commit also writes the ingest's position record (compacted {@code sigwatch.ingest.positions},
 * key = its transactional id): the next index, the last checkpoint published per log id and the frozen shards' final
 * heads. It is written in the same transaction as the entries, checkpoints and DLQ records it accounts for, so it is
 * committed with them or not at all: a transaction that did not commit (crash, kill -9) leaves neither, and the
 * restart's {@code initTransactions} (same transactional id) fences the dead producer and aborts its open
 * transaction. A restart reads that one record ({@link Resumption}); a log without one (new, or ingested by a version
 * without position records) is resumed the old way once and gets its record at once. A backfill range has its own
 * transactional id and so its own record: it never moves live ingest's position. {@link TransactionalPublisher}
 * holds the producer.
 */
final class IngestPoller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IngestPoller.class);
  /** After an unexpected failure: 1 s doubling up to 2 min (with jitter), so a persistent bug does not hammer the log. */
  static final RetryPolicy FAILURE_BACKOFF = new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofMinutes(2));

  private final LogSource source;
  private final IngestSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final IngestMetrics metrics;
  private final ExecutorService fetchPool;
  private final Sleeper sleeper;
  private final Clock clock;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, Checkpoint> lastPublished = new HashMap<>();
  /** The first INACTIVE checkpoint published per frozen shard: its final size fixes the Rekor v1 index space. */
  private final Map<String, Checkpoint> frozen = new HashMap<>();
  /** The last unproven checkpoint reported per log id: a log that keeps serving it is reported once, not per poll. */
  private final Map<String, Checkpoint> lastUnproven = new HashMap<>();
  private volatile boolean running = true;
  private volatile long position = -1;
  private volatile long end;
  private volatile boolean healthy = true;
  private volatile boolean broken;
  private volatile String step = "starting";
  private int failuresInARow;
  private final TransactionalPublisher publisher;
  private final PollerOutput output;
  private final BatchFetcher fetcher;
  private final long heldLimit;
  /** The budget of the current fetch window (a new one per window: orphans of an abandoned one count for nothing). */
  private volatile HeldBudget held;
  private volatile long pastPeak;

  IngestPoller(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics,
      IngestMetrics metrics, ExecutorService fetchPool, Sleeper sleeper, Clock clock) {
    this(source, settings, clientProperties, topics, metrics, fetchPool, sleeper, clock, HeldBudget.DEFAULT_LIMIT_BYTES);
  }

  /** @param heldLimit bytes of fetched batches that may wait to be published (see {@link HeldBudget}) */
  IngestPoller(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics,
      IngestMetrics metrics, ExecutorService fetchPool, Sleeper sleeper, Clock clock, long heldLimit) {
    this.source = source;
    this.settings = settings;
    this.clientProperties = clientProperties;
    this.topics = topics;
    this.metrics = metrics;
    this.fetchPool = fetchPool;
    this.sleeper = sleeper;
    this.clock = clock;
    this.publisher = new TransactionalPublisher(source.name(), clientProperties, transactionalId());
    this.output = new PollerOutput(source, topics, publisher, new RejectedRecords(clock));
    this.fetcher = new BatchFetcher(source, metrics, sleeper, output, () -> running, () -> position);
    this.heldLimit = heldLimit;
    this.held = new HeldBudget(heldLimit);
  }

  /** The most bytes of fetched batches ever held at once, waiting to be published. */
  long peakHeldBytes() {
    return Math.max(pastPeak, held.peak());
  }

  /** Next index to ingest (-1 before the start is known). */
  long position() {
    return position;
  }

  long end() {
    return end;
  }

  boolean finished() {
    return stopped.getCount() == 0;
  }

  /** False after a failure until the next commit, and for good after a broken invariant or an unexpected stop. */
  boolean healthy() {
    boolean diedUnasked = running && finished() && !rangeDone();
    return healthy && !broken && !diedUnasked;
  }

  /** True once a broken invariant stopped this poller. */
  boolean broken() {
    return broken;
  }

  void stop() {
    running = false;
  }

  void awaitStopped(Duration timeout) throws InterruptedException {
    stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private String transactionalId() {
    if (settings.startMode() instanceof StartMode.Range r) {
      return "sigwatch-ingest-" + source.name() + "-backfill-" + r.fromInclusive() + "-" + r.toExclusive();
    }
    return "sigwatch-ingest-" + source.name();
  }

  @Override
  public void run() {
    try {
      while (running && !rangeDone()) {
        try {
          runOnce();
          return;
        } catch (BrokenInvariantException e) {
          broken = true;
          healthy = false;
          metrics.failed(source.name());
          log.error("{}: INGEST STOPPED, broken invariant while {}: {}", source.name(), step, e.getMessage(), e);
          return;
        } catch (RuntimeException e) {
          backOff(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      publisher.close();
      stopped.countDown();
    }
  }

  /** Opens a producer (aborting any open transaction of ours), resumes at the committed position, then follows. */
  private void runOnce() throws InterruptedException {
    step = "starting";
    publisher.open();
    step = "reading the committed position";
    Resumption resumption = Resumption.read(source, settings, clientProperties, topics, transactionalId());
    lastPublished.clear();
    lastPublished.putAll(resumption.lastPublished());
    frozen.clear();
    frozen.putAll(resumption.frozen());
    Poll first = pollUntilAnswered();
    if (first == null) return;
    position = resumption.position(first);
    metrics.resumed(source.name(), resumption.recordsRead());
    if (!resumption.fromRecord()) {
      step = "writing the first position record";
      publisher.begin();
      sendPosition();
      commit();
    }
    handle(first);
    loop();
  }

  /**
   * An unexpected failure: counted, the log marked unhealthy, the producer closed (its open transaction is never
   * committed; the next producer's {@code initTransactions} aborts it), then a capped exponential back-off before
   * resuming from the committed position: nothing is skipped and nothing is published twice.
   */
  private void backOff(RuntimeException e) throws InterruptedException {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String what = cause instanceof BatchFetcher.StepFailure f ? f.getMessage() : step;
    if (cause instanceof BatchFetcher.StepFailure && cause.getCause() != null) cause = cause.getCause();
    failuresInARow++;
    healthy = false;
    metrics.failed(source.name());
    Duration delay = FAILURE_BACKOFF.delay(failuresInARow, null);
    log.error("{}: {} failed at index {} (failure {} in a row); aborting, resuming from the committed position in {}: {}",
        source.name(), what, position, failuresInARow, delay, cause.toString(), cause);
    publisher.close();
    for (long left = delay.toMillis(); running && left > 0; left -= 100) { // in steps, so that stop() is honoured
      sleeper.sleep(Duration.ofMillis(Math.min(100, left)));
    }
  }

  private void commit() {
    publisher.commit();
    failuresInARow = 0;
    healthy = true;
  }

  private void loop() throws InterruptedException {
    while (running && !rangeDone()) {
      step = "waiting for the next poll";
      sleepInterruptibly(settings.pollInterval());
      Poll poll = pollUntilAnswered();
      if (poll == null) return;
      handle(poll);
    }
    if (rangeDone()) log.info("{}: range done at {}", source.name(), position);
  }

  private boolean rangeDone() {
    return settings.startMode() instanceof StartMode.Range r && position >= r.toExclusive();
  }

  private Poll pollUntilAnswered() throws InterruptedException {
    step = "polling checkpoints";
    while (running) {
      try {
        Poll poll = source.poll(lastPublished);
        metrics.up(source.name(), true);
        return poll;
      } catch (IOException e) {
        metrics.up(source.name(), false);
        log.error("{}: log unreachable or malformed, polling again in {}: {}", source.name(), settings.pollInterval(),
            e.getMessage());
        output.failure("polling checkpoints: " + e.getMessage());
        sleepInterruptibly(settings.pollInterval());
      }
    }
    return null;
  }

  private void handle(Poll poll) throws InterruptedException {
    boolean backfill = settings.startMode() instanceof StartMode.Range;
    List<Checkpoint> unproven = poll.unproven().stream().filter(c -> !sameHead(lastUnproven.get(c.getLogId()), c))
        .toList();
    if (!backfill && (!poll.checkpoints().isEmpty() || !unproven.isEmpty() || output.hasFailures())) {
      step = "publishing " + poll.checkpoints().size() + " checkpoint(s)";
      publisher.begin();
      for (Checkpoint c : unproven) {
        lastUnproven.put(c.getLogId(), c);
        output.unproven(c);
      }
      for (Checkpoint c : poll.checkpoints()) {
        if (!output.checkpoint(c)) continue;
        // Ahead of the commit, for the position record; a failed commit resumes from the committed record.
        lastPublished.put(c.getLogId(), c);
        if (c.getShardState() == ShardState.INACTIVE) frozen.putIfAbsent(c.getLogId(), c);
      }
      output.drainFailures();
      sendPosition();
      commit();
      for (Checkpoint c : poll.checkpoints()) {
        log.info("{}: published checkpoint {} size {}", source.name(), c.getLogId(), c.getTreeSize());
      }
    }
    end = poll.end();
    long target = settings.startMode() instanceof StartMode.Range r ? Math.min(r.toExclusive(), end) : end;
    if (position < target) ingest(target);
    metrics.committed(source.name(), 0, 0, position, end);
  }

  private static boolean sameHead(Checkpoint a, Checkpoint b) {
    return a != null && a.getTreeSize() == b.getTreeSize() && a.getRootHash().equals(b.getRootHash());
  }

  /**
   * Fetches {@code [position, target)} with up to inFlight batches in flight and publishes them in order; the batches
   * fetched ahead of the head wait within the window's {@link HeldBudget}.
   */
  private void ingest(long target) throws InterruptedException {
    ArrayDeque<CompletableFuture<BatchFetcher.HeldBatch>> window = new ArrayDeque<>();
    HeldBudget budget = new HeldBudget(heldLimit);
    held = budget;
    // Set when this window is given up (a failure, a stop): its fetch tasks stop retrying, so that orphans of a failed
    // window never hold the fixed fetch pool that the resumed window needs (cancel() does not stop a running task).
    AtomicBoolean abandoned = new AtomicBoolean();
    long next = position;
    long inTxn = 0;
    long entriesInTxn = 0;
    long rejectedInTxn = 0;
    long mismatchedInTxn = 0;
    step = "publishing from " + position;
    publisher.begin();
    try {
      while (running && (position < target)) {
        while (window.size() < settings.inFlight() && next < target) {
          long a = next;
          long b = source.batchEnd(a, target);
          window.add(CompletableFuture.supplyAsync(() -> fetcher.fetch(a, b, abandoned, budget), fetchPool));
          next = b;
        }
        BatchFetcher.HeldBatch batch = window.poll().join();
        if (batch == null) break; // stopping
        if (batch == BatchFetcher.HeldBatch.TREE_NOT_SERVED) {
          // The log replaced the tree these batches authenticate against: publish what came before, poll (which
          // publishes its new checkpoint with the proof that fails), then fetch from here again.
          log.debug("{}: the log no longer serves the tree at size {} from index {}: polling its checkpoint again",
              source.name(), end, position);
          break;
        }
        step = "publishing from " + position;
        for (Fetched f : batch.fetched()) {
          if (f.index() != position) {
            throw new BrokenInvariantException(source.name() + ": got index " + f.index() + ", want " + position);
          }
          if (f instanceof Fetched.Entry e) {
            if (!output.entry(e.key(), e.value(), e.index())) mismatchedInTxn++;
            entriesInTxn++;
          } else if (f instanceof Fetched.Mismatched m) {
            log.warn("{}: publishing the entry at {} as served; {}", source.name(), m.index(), m.note().getReason());
            output.entry(m.key(), m.value(), m.index());
            output.dlq(m.note());
            entriesInTxn++;
            mismatchedInTxn++;
          } else if (f instanceof Fetched.Rejected r) {
            output.dlq(r.record());
            rejectedInTxn++;
          }
          position++;
          inTxn++;
        }
        // Handed to the producer (which copies what it sends into its own bounded buffer): room for the next batches.
        budget.release(batch.bytes());
        metrics.held(source.name(), budget.held());
        if (inTxn >= settings.commitEvery() || window.isEmpty()) {
          step = "committing up to " + position;
          output.drainFailures();
          sendPosition();
          commit();
          metrics.committed(source.name(), entriesInTxn, rejectedInTxn, mismatchedInTxn, position, end);
          log.debug("{}: committed up to {} ({} entries)", source.name(), position, inTxn);
          inTxn = entriesInTxn = rejectedInTxn = mismatchedInTxn = 0;
          publisher.begin();
        }
      }
      step = "committing up to " + position;
      output.drainFailures();
      sendPosition();
      commit();
      metrics.committed(source.name(), entriesInTxn, rejectedInTxn, mismatchedInTxn, position, end);
    } finally {
      pastPeak = Math.max(pastPeak, budget.peak());
      abandoned.set(true);
      window.forEach(f -> f.cancel(true));
    }
  }

  /** The position record: what this transaction commits up to. Sent last, just before the commit. */
  private void sendPosition() {
    IngestPosition p = IngestPosition.newBuilder().setLog(source.name()).setNext(position)
        .setLastPublished(new ArrayList<>(lastPublished.values())).setFrozen(new ArrayList<>(frozen.values()))
        .setCommittedAtMillis(clock.millis()).build();
    publisher.send(topics.ingestPositions(), transactionalId(), p);
  }

  private void sleepInterruptibly(Duration d) throws InterruptedException {
    long until = clock.millis() + d.toMillis();
    while (running && clock.millis() < until) sleeper.sleep(Duration.ofMillis(Math.min(100, until - clock.millis())));
  }
}
