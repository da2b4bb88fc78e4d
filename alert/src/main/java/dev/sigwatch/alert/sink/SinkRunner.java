package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one sink: a consumer of {@code sigwatch.alerts} (and of the INCIDENT_CONTINUES / INCIDENT_RESOLVED events on
 * {@code sigwatch.log.events}) in the sink's own consumer group, on its own thread.
 * <pre>
 *   poll ─► filter ─► pending (held up to linger / maxBatch) ─► deliver ─┬─ ok ──► commit offsets below pending
 *                                                                         └─ fail ─► backoff ─► ... ─► suspended
 * </pre>
 * At-least-once: an offset is committed only once every message of the records before it is delivered, so a crash
 * (kill -9) repeats at most the undelivered and the in-flight messages, each with its idempotency key. While a
 * delivery waits for its retry the partitions are paused (nothing more is read, the group membership stays alive).
 * After {@link RetryPolicy#suspendAfter()} failures in a row the sink is suspended: a HEALTH alert is published and
 * the sink tries again every {@link RetryPolicy#resumeAfter()} until a delivery succeeds.
 */
public final class SinkRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkRunner.class);
  /** Updates can name alerts read long ago; remember this many alerts' routing (stripped of evidence). */
  static final int SEEN_ALERTS = 4096;
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long KAFKA_BACKOFF_MAX_MS = 10_000;

  private final SinkSpec spec;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Topics topics;
  private final Consumer<Alert> health;
  private final SinkMetrics metrics;
  private final Clock clock;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);

  private final List<Pending> pending = new ArrayList<>();
  /** Updates of alerts not read yet: held until their alert is read, or the alert partitions are caught up. */
  private final List<Pending> deferred = new ArrayList<>();
  private final Map<TopicPartition, Long> consumedUpTo = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<String, Seen> seen = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
      return size() > SEEN_ALERTS;
    }
  };
  private long nextAttemptAt;
  private int kafkaFailures;
  private int attempts;
  private int consecutiveFailures;
  private boolean suspended;
  private volatile String state = "starting";

  private record Pending(TopicPartition tp, long offset, long recordTimestamp, long heldSince, SinkMessage message) {}

  private record Seen(Alert alert, boolean matched) {}

  /**
   * @param clientProperties Kafka client settings (bootstrap servers, security)
   * @param health publishes the sink's own HEALTH alerts (to the alerts topic)
   */
  public SinkRunner(SinkSpec spec, Map<String, Object> clientProperties, Topics topics, Consumer<Alert> health,
      SinkMetrics metrics, Clock clock) {
    this.spec = spec;
    this.topics = topics;
    this.health = health;
    this.metrics = metrics;
    this.clock = clock;
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, spec.groupId());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(100, spec.sink().maxBatch()));
    // Values are decoded here, per topic, so one undecodable record is skipped with a warning instead of stopping.
    this.consumer = new KafkaConsumer<>(c, topics.alerts().keySerde().deserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "sigwatch-sink-" + spec.name());
  }

  public String name() {
    return spec.name();
  }

  /** starting, running, backing-off, suspended, stopped, failed. */
  public String state() {
    return state;
  }

  public void start() {
    consumer.subscribe(List.of(topics.alerts().name(), topics.logEvents().name()), new Rebalance());
    thread.start();
    log.info("sink {}: started ({}), consumer group {}", spec.name(), spec.sink().describe(), spec.groupId());
  }

  private void loop() {
    try {
      state = "running";
      while (running.get()) {
        long now = clock.millis();
        boolean waiting = !pending.isEmpty() && now < nextAttemptAt;
        boolean full = pending.size() >= maxPending();
        if (waiting || full) {
          consumer.pause(consumer.assignment());
        } else {
          consumer.resume(consumer.paused());
        }
        long until = waiting ? nextAttemptAt - now
            : pending.isEmpty() ? POLL.toMillis()
            : pending.get(0).heldSince() + spec.sink().linger().toMillis() - now;
        Duration timeout = Duration.ofMillis(Math.max(1, Math.min(until, POLL.toMillis())));
        try {
          take(poll(timeout));
          resolveDeferred();
          if (readyToDeliver(clock.millis())) {
            deliverHead();
          }
          commit();
          kafkaFailures = 0;
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          kafkaTrouble(e);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        state = "failed";
        throw e;
      }
    } catch (RuntimeException e) {
      state = "failed";
      log.error("sink {}: stopped: {}", spec.name(), spec.redact(e.toString()));
    } finally {
      state = "stopped";
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * A poll or commit the broker refused (a rebalance under way, the group moved on after a member was lost, the
   * coordinator away): nothing delivered is lost and nothing is skipped, because offsets are committed only below
   * what is delivered and a lost assignment drops the pending messages of its partitions (they are read again). So
   * the sink waits a little (longer while it lasts) and goes on, instead of stopping for good.
   */
  private void kafkaTrouble(KafkaException e) {
    kafkaFailures++;
    long wait = Math.min(KAFKA_BACKOFF_MAX_MS, 100L << Math.min(kafkaFailures - 1, 10));
    String what = spec.redact(e.toString());
    if (kafkaFailures == 1 || e instanceof CommitFailedException || e instanceof RebalanceInProgressException) {
      log.warn("sink {}: Kafka refused a poll or commit ({}); going on in {} ms", spec.name(), what, wait);
    } else {
      log.error("sink {}: Kafka keeps failing ({} in a row): {}; going on in {} ms", spec.name(), kafkaFailures, what,
          wait);
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  private int maxPending() {
    return Math.max(500, spec.sink().maxBatch());
  }

  private Iterable<ConsumerRecord<String, byte[]>> poll(Duration timeout) {
    try {
      return consumer.poll(timeout);
    } catch (RecordDeserializationException e) {
      // A key that is not UTF-8: skip the record, saying where it is.
      log.warn("sink {}: skipping undecodable record {}-{} at offset {}: {}", spec.name(), e.topicPartition().topic(),
          e.topicPartition().partition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return List.of();
    }
  }

  private void take(Iterable<ConsumerRecord<String, byte[]>> records) {
    long now = clock.millis();
    List<Pending> added = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      consumedUpTo.put(tp, r.offset() + 1);
      SinkMessage m = r.value() == null ? null : message(r);
      if (m == null) continue;
      Pending p = new Pending(tp, r.offset(), r.timestamp(), now, m);
      if (m.kind() != SinkMessage.Kind.ALERT && m.alert() == null) {
        deferred.add(p);
      } else {
        added.add(p);
      }
    }
    // Alerts before the updates read in the same poll (they come from another topic), so an update finds its alert.
    added.sort(Comparator.comparing(p -> p.message().kind() != SinkMessage.Kind.ALERT));
    pending.addAll(added);
  }

  private SinkMessage message(ConsumerRecord<String, byte[]> r) {
    try {
      if (r.topic().equals(topics.alerts().name())) {
        Alert a = topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
        boolean matched = spec.filter().accepts(a);
        seen.put(a.getAlertId(), new Seen(stripped(a), matched));
        return matched ? SinkMessage.of(a) : null;
      }
      if (!spec.updates()) return null;
      LogEvent e = topics.logEvents().valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
      SinkMessage m = SinkMessage.ofEvent(e, null);
      if (m == null) return null;
      Seen s = seen.get(m.alertId());
      if (s != null) {
        return s.matched() ? SinkMessage.ofEvent(e, s.alert()) : null;
      }
      return m; // deferred: its alert may be in a later poll (another topic)
    } catch (RuntimeException ex) {
      log.warn("sink {}: skipping undecodable record {}-{} at offset {}: {}", spec.name(), r.topic(), r.partition(),
          r.offset(), ex.getMessage());
      return null;
    }
  }

  /**
   * Routes the updates whose alert was not read yet: once the alert is read, as the alert was routed; once every
   * alert partition is read to its end and the alert is still unknown (it was read before this process started), by
   * what the update says ({@link SinkFilter#acceptsUnseenUpdate}).
   */
  private void resolveDeferred() {
    if (deferred.isEmpty()) return;
    boolean caughtUp = alertsCaughtUp();
    for (java.util.Iterator<Pending> it = deferred.iterator(); it.hasNext(); ) {
      Pending d = it.next();
      Seen s = seen.get(d.message().alertId());
      if (s != null) {
        it.remove();
        if (s.matched()) {
          pending.add(new Pending(d.tp(), d.offset(), d.recordTimestamp(), d.heldSince(),
              SinkMessage.ofEvent(d.message().update(), s.alert())));
        }
      } else if (caughtUp) {
        it.remove();
        if (spec.filter().acceptsUnseenUpdate(d.message())) pending.add(d);
      }
    }
  }

  private boolean alertsCaughtUp() {
    for (TopicPartition tp : consumer.assignment()) {
      if (!tp.topic().equals(topics.alerts().name())) continue;
      java.util.OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) return false;
    }
    return true;
  }

  private static Alert stripped(Alert a) {
    return Alert.newBuilder(a).setEvidence(Map.of()).build();
  }

  private boolean readyToDeliver(long now) {
    if (pending.isEmpty() || now < nextAttemptAt) return false;
    if (attempts > 0 || pending.size() >= spec.sink().maxBatch()) return true;
    return now - pending.get(0).heldSince() >= spec.sink().linger().toMillis();
  }

  private void deliverHead() {
    List<Pending> chunk = pending.subList(0, Math.min(spec.sink().maxBatch(), pending.size()));
    List<SinkMessage> batch = chunk.stream().map(Pending::message).toList();
    if (attempts > 0) {
      metrics.recordRetry(spec.name());
    }
    long started = System.nanoTime();
    try {
      spec.sink().deliver(batch);
    } catch (Exception e) {
      failed(batch, e);
      return;
    }
    long now = clock.millis();
    double lag = (now - chunk.stream().mapToLong(Pending::recordTimestamp).min().orElse(now)) / 1000.0;
    metrics.recordDelivered(spec.name(), batch.size(), (System.nanoTime() - started) / 1e9, Math.max(0, lag));
    log.debug("sink {}: delivered {} message(s), first {}", spec.name(), batch.size(), batch.get(0).idempotencyKey());
    if (suspended) {
      suspended = false;
      metrics.recordSuspended(spec.name(), false);
      log.info("sink {}: resumed, delivery works again after {} failed attempts", spec.name(), consecutiveFailures);
    }
    chunk.clear();
    attempts = 0;
    consecutiveFailures = 0;
    nextAttemptAt = 0;
    state = "running";
  }

  private void failed(List<SinkMessage> batch, Exception e) {
    long now = clock.millis();
    attempts++;
    consecutiveFailures++;
    metrics.recordFailure(spec.name());
    String why = spec.redact(e instanceof SinkException ? e.getMessage() : e.toString());
    RetryPolicy retry = spec.retry();
    if (!suspended && consecutiveFailures >= retry.suspendAfter()) {
      suspended = true;
      state = "suspended";
      metrics.recordSuspended(spec.name(), true);
      nextAttemptAt = now + retry.resumeAfter().toMillis();
      log.warn("sink {}: suspended after {} consecutive failed deliveries, last: {}; trying again every {}",
          spec.name(), consecutiveFailures, why, retry.resumeAfter());
      publishHealth(batch.get(0).idempotencyKey(), why, now);
    } else if (suspended) {
      nextAttemptAt = now + retry.resumeAfter().toMillis();
      log.warn("sink {}: still failing while suspended ({} in a row): {}; next try in {}", spec.name(),
          consecutiveFailures, why, retry.resumeAfter());
    } else {
      Duration d = retry.delay(attempts, e instanceof SinkException se ? se.retryAfter() : null,
          ThreadLocalRandom.current()::nextDouble);
      nextAttemptAt = now + d.toMillis();
      state = "backing-off";
      log.warn("sink {}: delivery of {} message(s) failed ({}/{}): {}; retrying in {} ms", spec.name(), batch.size(),
          consecutiveFailures, retry.suspendAfter(), why, d.toMillis());
    }
  }

  private void publishHealth(String stuckKey, String why, long now) {
    Alert a = SinkHealth.suspended(spec.name(), spec.sink().describe(), consecutiveFailures, why, stuckKey,
        spec.retry().resumeAfter().toString(), now);
    try {
      health.accept(a);
    } catch (RuntimeException ex) {
      log.warn("sink {}: could not publish the HEALTH alert of its suspension: {}", spec.name(), ex.toString());
    }
  }

  /** Commits, per partition, the offset of its first undelivered message (or the end of what was read). */
  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : safeOffsets(consumedUpTo.keySet()).entrySet()) {
      if (!e.getValue().equals(committed.get(e.getKey()))) {
        offsets.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
      }
    }
    if (offsets.isEmpty()) return;
    consumer.commitSync(offsets);
    offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
  }

  private Map<TopicPartition, Long> safeOffsets(Collection<TopicPartition> tps) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : tps) {
      Long upTo = consumedUpTo.get(tp);
      if (upTo != null) out.put(tp, upTo);
    }
    for (Pending p : pending) {
      out.computeIfPresent(p.tp(), (tp, o) -> Math.min(o, p.offset()));
    }
    for (Pending p : deferred) {
      out.computeIfPresent(p.tp(), (tp, o) -> Math.min(o, p.offset()));
    }
    return out;
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Hand over what is delivered; the undelivered rest is read again by the next owner (at-least-once).
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      safeOffsets(partitions).forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
      if (!offsets.isEmpty()) {
        try {
          consumer.commitSync(offsets);
        } catch (RuntimeException e) {
          log.warn("sink {}: committing on rebalance failed: {}", spec.name(), e.toString());
        }
      }
      pending.removeIf(p -> partitions.contains(p.tp()));
      deferred.removeIf(p -> partitions.contains(p.tp()));
      partitions.forEach(tp -> {
        consumedUpTo.remove(tp);
        committed.remove(tp);
      });
      if (pending.isEmpty()) {
        attempts = 0;
        nextAttemptAt = 0;
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.debug("sink {}: assigned {}", spec.name(), partitions);
    }
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    consumer.wakeup();
    thread.join(15_000);
    spec.sink().close();
    log.info("sink {}: stopped", spec.name());
  }
}
