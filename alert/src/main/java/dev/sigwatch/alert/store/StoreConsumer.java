package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.LogPositionMarker;
import dev.sigwatch.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the alerts, log events and identity events into an {@link AlertStore}, exactly once:
 * <pre>
 *   sigwatch.alerts ─┐
 *   sigwatch.log.events ─┼─► poll ─► one DB transaction: rows + next offsets ─► (Kafka commit, informational)
 *   sigwatch.identities ─┘       ▲
 *                                └── on assignment: seek to the offsets stored in the DB (none: the beginning)
 * </pre>
 * The offsets that count are the database's: a kill -9 before the transaction commits re-reads the poll, after it
 * the consumer resumes past it. The group's Kafka offsets are also committed afterwards, only so that the usual
 * tools show the lag. A record that cannot be decoded is skipped with an error naming its topic, partition and
 * offset (the skip is stored like any progress). A failing database is retried with backoff, never skipped.
 * One thread of its own; {@link #close} stops it.
 */
public final class StoreConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreConsumer.class);
  /** Records per poll: one transaction each, so larger polls amortise the commit during a backfill. */
  static final int MAX_POLL_RECORDS = 2000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final AlertStore store;
  private final String group;
  private final Topic<String, Alert> alerts;
  private final Topic<String, LogEvent> logEvents;
  private final Topic<String, IdentityEvent> identities;
  private final Deserializer<Alert> alertValues;
  private final Deserializer<LogEvent> logEventValues;
  private final Deserializer<IdentityEvent> identityValues;
  private final Retention retention;
  private final Duration purgeEvery;
  private final Clock clock;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile Throwable failure;

  /**
   * @param clientProperties Kafka client settings (bootstrap servers, security)
   * @param retention applied every {@code purgeEvery}; null = keep everything
   */
  public StoreConsumer(Map<String, Object> clientProperties, String group, AlertStore store,
      Topic<String, Alert> alerts, Topic<String, LogEvent> logEvents, Topic<String, IdentityEvent> identities,
      Retention retention, Duration purgeEvery, Clock clock) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    // Values are decoded here, per record, so one undecodable record is skipped instead of failing the poll.
    this.consumer = new KafkaConsumer<>(c, alerts.keySerde().deserializer(), new ByteArrayDeserializer());
    this.store = store;
    this.group = group;
    this.alerts = alerts;
    this.logEvents = logEvents;
    this.identities = identities;
    this.alertValues = alerts.valueSerde().deserializer();
    this.logEventValues = logEvents.valueSerde().deserializer();
    this.identityValues = identities.valueSerde().deserializer();
    this.retention = retention;
    this.purgeEvery = purgeEvery;
    this.clock = clock;
    this.thread = new Thread(this::loop, "sigwatch-alert-store");
  }

  public void start() {
    consumer.subscribe(List.of(alerts.name(), logEvents.name(), identities.name()), new SeekToStored());
    thread.start();
  }

  /** Records stored so far (alerts, log events, identity events). */
  public long stored() {
    return stored.get();
  }

  /** Records skipped because they could not be decoded. */
  public long skipped() {
    return skipped.get();
  }

  /** Why the consumer stopped on its own, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  private final class SeekToStored implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, Long> offsets = retry("reading stored offsets", () -> store.offsets(group));
      List<TopicPartition> fresh = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        Long next = offsets.get(tp);
        if (next == null) fresh.add(tp);
        else consumer.seek(tp, next);
      }
      if (!fresh.isEmpty()) consumer.seekToBeginning(fresh);
      log.info("alert store: assigned {} partition(s), resuming from {} stored offset(s) in {}", partitions.size(),
          partitions.size() - fresh.size(), store.describe());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Nothing to flush: every poll is committed to the database before the next one.
    }
  }

  private void loop() {
    Instant nextPurge = clock.instant();
    try {
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          StoreBatch batch = decode(records);
          retry("storing " + records.count() + " record(s)", () -> {
            store.write(batch);
            return null;
          });
          stored.addAndGet(batch.alerts().size() + batch.logEvents().size() + batch.identities().size());
          consumer.commitAsync();
        }
        if (retention != null && !clock.instant().isBefore(nextPurge)) {
          long n = retry("applying retention", () -> store.purge(retention, clock.instant()));
          if (n > 0) log.info("alert store: retention deleted {} row(s)", n);
          nextPurge = clock.instant().plus(purgeEvery);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) failure = e;
    } catch (RuntimeException e) {
      failure = e;
      log.error("alert store consumer stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private StoreBatch decode(ConsumerRecords<String, byte[]> records) {
    List<Alert> a = new ArrayList<>();
    List<LogEvent> l = new ArrayList<>();
    List<IdentityEvent> i = new ArrayList<>();
    Map<TopicPartition, Long> next = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      if (r.value() == null) continue;
      try {
        if (r.topic().equals(alerts.name())) a.add(value(alertValues, r));
        else if (r.topic().equals(logEvents.name())) l.add(value(logEventValues, r));
        else {
          IdentityEvent e = value(identityValues, r);
          if (!LogPositionMarker.is(e)) i.add(e); // match's position markers for its join name no identity
        }
      } catch (RuntimeException e) {
        skipped.incrementAndGet();
        log.error("alert store: skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
            e.toString());
      }
    }
    return new StoreBatch(a, l, i, group, next);
  }

  private static <V> V value(Deserializer<V> d, ConsumerRecord<String, byte[]> r) {
    V v = d.deserialize(r.topic(), r.headers(), r.value());
    if (v == null) throw new IllegalArgumentException("value decoded to null");
    return v;
  }

  private interface Attempt<T> {
    T run();
  }

  /**
   * Runs {@code what} until it succeeds or the consumer closes: a database that is down or locked is waited for
   * (backoff 1 s doubling to 30 s), never skipped. Polling pauses meanwhile; if that exceeds the group's poll
   * interval the group rebalances and the consumer resumes from the stored offsets, which is just as correct.
   */
  private <T> T retry(String what, Attempt<T> a) {
    long backoff = 1000;
    for (int attempt = 1; ; attempt++) {
      try {
        return a.run();
      } catch (StoreException e) {
        if (!running.get()) throw e;
        log.warn("alert store: failed {} ({}/∞): {}; retrying in {} ms", what, attempt, e.getMessage(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    thread.join(30_000);
  }

  /** The topics this consumer reads, for logs. */
  public Set<String> topics() {
    return Set.of(alerts.name(), logEvents.name(), identities.name());
  }
}
