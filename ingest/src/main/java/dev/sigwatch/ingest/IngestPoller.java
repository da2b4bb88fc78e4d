package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one log, exactly once, on its own thread:
 * <pre>
 * 1 poll thread: checkpoint poll ==> publish new checkpoints (+ consistency proofs)
 *      ==> N fetch tasks (batches [a,b) in flight) ==> in-order publish ==> Kafka transaction commit (every K records)
 * </pre>
 * <b>Position:</b> there is no separate state store. The position of a log is the index after the last entry record
 * it committed (or the last DLQ record of an entry malformed as served), read back with read_committed from the tail
 * of the log id's partition. Entries and the position are therefore one and the same write: a transaction that did
 * not commit (crash, kill -9) leaves no entries and no position, and the restart's {@code initTransactions} (same
 * transactional id) fences the dead producer and aborts its open transaction. If a log has checkpoints but no entries
 * yet, the start is the end of its first published checkpoint (start-at-end mode) or the configured index.
 */
final class IngestPoller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IngestPoller.class);
  private static final Duration FETCH_RETRY_PAUSE = Duration.ofSeconds(1);

  private final LogSource source;
  private final IngestSettings settings;
  private final Map<String, Object> clientProperties;
  private final Topics topics;
  private final IngestMetrics metrics;
  private final ExecutorService fetchPool;
  private final Sleeper sleeper;
  private final Clock clock;
  private final RejectedRecords rejected;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<String> fetchFailures = new ConcurrentLinkedQueue<>();
  private final Map<String, Checkpoint> lastPublished = new HashMap<>();
  private volatile boolean running = true;
  private volatile long position = -1;
  private volatile long end;
  private KafkaProducer<String, byte[]> producer;

  IngestPoller(LogSource source, IngestSettings settings, Map<String, Object> clientProperties, Topics topics,
      IngestMetrics metrics, ExecutorService fetchPool, Sleeper sleeper, Clock clock) {
    this.source = source;
    this.settings = settings;
    this.clientProperties = clientProperties;
    this.topics = topics;
    this.metrics = metrics;
    this.fetchPool = fetchPool;
    this.sleeper = sleeper;
    this.clock = clock;
    this.rejected = new RejectedRecords(clock);
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
      Map<String, Object> p = new HashMap<>(clientProperties);
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
      p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
      p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      producer.initTransactions(); // fences a dead predecessor and aborts its open transaction
      Poll first = pollUntilAnswered();
      if (first == null) return;
      start(first);
      handle(first);
      loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("{}: ingest stopped: {}", source.name(), e.toString(), e);
    } finally {
      if (producer != null) producer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private void loop() throws InterruptedException {
    while (running && !rangeDone()) {
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
    while (running) {
      try {
        Poll poll = source.poll(lastPublished);
        metrics.up(source.name(), true);
        return poll;
      } catch (IOException e) {
        metrics.up(source.name(), false);
        log.error("{}: log unreachable or malformed, polling again in {}: {}", source.name(), settings.pollInterval(),
            e.getMessage());
        fetchFailures.add("polling checkpoints: " + e.getMessage());
        sleepInterruptibly(settings.pollInterval());
      }
    }
    return null;
  }

  /** Reads the committed state and decides where to start. */
  private void start(Poll first) {
    boolean backfill = settings.startMode() instanceof StartMode.Range;
    Set<String> keys = new HashSet<>(source.entryKeys());
    Long firstEnd = null;
    try (PositionReader reader = new PositionReader(clientProperties)) {
      for (Checkpoint c : reader.readAll(topics.checkpoints().name(), null, topics.checkpoints().valueSerde().deserializer())) {
        if (!source.owns(c)) continue;
        lastPublished.put(c.getLogId(), c);
        keys.add(c.getLogId());
        if (firstEnd == null) firstEnd = source.endOf(c);
      }
      long lo = settings.startMode() instanceof StartMode.Range r ? r.fromInclusive() : 0;
      long hi = settings.startMode() instanceof StartMode.Range r ? r.toExclusive() : Long.MAX_VALUE;
      OptionalLong lastEntry = keys.isEmpty() ? OptionalLong.empty() : reader.lastIndex(source.entriesTopic().name(), keys,
          source.entriesTopic().valueSerde().deserializer(), (k, v) -> inRange(source.indexOf(v), lo, hi));
      Set<String> dlqKeys = keys.stream().map(k -> "ingest:" + k).collect(Collectors.toSet());
      OptionalLong lastRejected = keys.isEmpty() ? OptionalLong.empty() : reader.lastIndex(topics.dlq().name(), dlqKeys,
          topics.dlq().valueSerde().deserializer(),
          (k, v) -> v.getLogIndex() == null ? null : inRange(v.getLogIndex(), lo, hi));
      long last = Math.max(lastEntry.orElse(-1), lastRejected.orElse(-1));
      if (last >= 0) {
        position = last + 1;
        log.info("{}: resuming at index {}", source.name(), position);
      } else {
        if (settings.startMode() instanceof StartMode.Range r) {
          position = r.fromInclusive();
        } else if (settings.startMode() instanceof StartMode.AtIndex a) {
          position = a.index();
        } else {
          position = firstEnd != null && !backfill ? firstEnd : first.end();
        }
        log.info("{}: starting at index {} ({})", source.name(), position, settings.startMode());
      }
    }
  }

  private static Long inRange(long index, long lo, long hi) {
    return index >= lo && index < hi ? index : null;
  }

  private void handle(Poll poll) throws InterruptedException {
    boolean backfill = settings.startMode() instanceof StartMode.Range;
    if (!backfill && (!poll.checkpoints().isEmpty() || !fetchFailures.isEmpty())) {
      producer.beginTransaction();
      for (Checkpoint c : poll.checkpoints()) send(topics.checkpoints(), c.getLogId(), c);
      drainFailures();
      producer.commitTransaction();
      for (Checkpoint c : poll.checkpoints()) {
        lastPublished.put(c.getLogId(), c);
        log.info("{}: published checkpoint {} size {}", source.name(), c.getLogId(), c.getTreeSize());
      }
    }
    end = poll.end();
    long target = settings.startMode() instanceof StartMode.Range r ? Math.min(r.toExclusive(), end) : end;
    if (position < target) ingest(target);
    metrics.committed(source.name(), 0, 0, position, end);
  }

  /** Fetches {@code [position, target)} with up to inFlight batches in flight and publishes them in order. */
  private void ingest(long target) throws InterruptedException {
    ArrayDeque<CompletableFuture<List<Fetched>>> window = new ArrayDeque<>();
    long next = position;
    long inTxn = 0;
    long entriesInTxn = 0;
    long rejectedInTxn = 0;
    producer.beginTransaction();
    try {
      while (running && (position < target)) {
        while (window.size() < settings.inFlight() && next < target) {
          long a = next;
          long b = source.batchEnd(a, target);
          window.add(CompletableFuture.supplyAsync(() -> fetchUntilDone(a, b), fetchPool));
          next = b;
        }
        List<Fetched> batch = window.poll().join();
        if (batch == null) break; // stopping
        for (Fetched f : batch) {
          if (f.index() != position) {
            throw new IllegalStateException(source.name() + ": got index " + f.index() + ", want " + position);
          }
          if (f instanceof Fetched.Entry e) {
            sendEntry(e);
            entriesInTxn++;
          } else if (f instanceof Fetched.Rejected r) {
            send(topics.dlq(), r.record().getSource(), r.record());
            rejectedInTxn++;
          }
          position++;
          inTxn++;
        }
        if (inTxn >= settings.commitEvery() || window.isEmpty()) {
          drainFailures();
          producer.commitTransaction();
          metrics.committed(source.name(), entriesInTxn, rejectedInTxn, position, end);
          log.debug("{}: committed up to {} ({} entries)", source.name(), position, inTxn);
          inTxn = entriesInTxn = rejectedInTxn = 0;
          producer.beginTransaction();
        }
      }
      drainFailures();
      producer.commitTransaction();
      metrics.committed(source.name(), entriesInTxn, rejectedInTxn, position, end);
    } finally {
      window.forEach(f -> f.cancel(true));
    }
  }

  @SuppressWarnings("unchecked")
  private void sendEntry(Fetched.Entry e) {
    send((Topic<String, SpecificRecord>) source.entriesTopic(), e.key(), e.value());
  }

  private <V> void send(Topic<String, V> topic, String key, V value) {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    producer.send(new ProducerRecord<>(topic.name(), key, bytes));
  }

  /** Fetch failures (every attempt failed) go to the DLQ as reports; the batch itself is fetched again. */
  private void drainFailures() {
    String reason;
    while ((reason = fetchFailures.poll()) != null) {
      RejectedRecord r = rejected.of("ingest:" + source.name(), reason, null, null, null,
          source.name().getBytes(StandardCharsets.UTF_8), null);
      send(topics.dlq(), r.getSource() + ":fetch", r);
    }
  }

  /** Fetches one batch, retrying forever (never skipping); null when stopping. */
  private List<Fetched> fetchUntilDone(long a, long b) {
    while (running) {
      try {
        List<Fetched> got = source.fetch(a, b);
        metrics.up(source.name(), true);
        return got;
      } catch (IOException e) {
        metrics.up(source.name(), false);
        log.error("{}: fetching [{}, {}) failed, fetching it again: {}", source.name(), a, b, e.getMessage());
        fetchFailures.add(String.format(java.util.Locale.ROOT, "fetching [%d, %d): %s", a, b, e.getMessage()));
        try {
          sleeper.sleep(FETCH_RETRY_PAUSE);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void sleepInterruptibly(Duration d) throws InterruptedException {
    long until = clock.millis() + d.toMillis();
    while (running && clock.millis() < until) sleeper.sleep(Duration.ofMillis(Math.min(100, until - clock.millis())));
  }
}
