package dev.sigwatch.alert.canary;

import dev.sigwatch.alert.sink.SinkHealth;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Canaries: identities expected to sign at least once per period (a daily signing job). Reads the alerts topic from
 * its end at startup; an IDENTITY_MATCH or AUTHORIZED alert whose identity matches a canary resets its deadline. A
 * canary silent for its period raises one CANARY_MISSING alert per silence: the whole path (log, ingest, verify,
 * match, the watchlist) produced nothing for an identity that signs, so the monitoring itself may be broken.
 *
 * <p>One thread; {@link #close()} stops it.
 */
public final class CanaryWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CanaryWatch.class);
  public static final String CANARY_MISSING = "CANARY_MISSING";
  private static final Set<String> SIGNS = Set.of("IDENTITY_MATCH", "AUTHORIZED");

  private final List<Watched> canaries = new ArrayList<>();
  private final KafkaConsumer<String, Alert> consumer;
  private final Topic<String, Alert> topic;
  private final Clock clock;
  private final Consumer<Alert> alerts;
  private final Thread thread;
  private volatile boolean stopping;

  private static final class Watched {
    final Canary settings;
    final Duration period;
    Instant lastSeen;
    boolean alerted;

    Watched(Canary s, Instant start) {
      settings = s;
      period = s.period();
      lastSeen = start;
    }

    String identity() {
      return settings.identity().pattern();
    }
  }

  public CanaryWatch(List<Canary> settings, Map<String, Object> clientProperties, Topic<String, Alert> topic,
                     Clock clock, Consumer<Alert> alerts) {
    this.topic = topic;
    this.clock = clock;
    this.alerts = alerts;
    Instant now = clock.instant();
    settings.forEach(s -> canaries.add(new Watched(s, now)));
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sigwatch-canary");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    thread = new Thread(this::run, "sigwatch-canary");
    thread.setDaemon(true);
  }

  public CanaryWatch start() {
    List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // fix the start now: alerts after startup count
    canaries.forEach(c -> log.info("canary {}: expecting an entry for /{}/ at least every {}", c.settings.name(),
        c.identity(), c.period));
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (!stopping) {
        for (ConsumerRecord<String, Alert> r : consumer.poll(Duration.ofMillis(500))) seen(r.value());
        check();
      }
    } catch (WakeupException e) {
      if (!stopping) throw e;
    } catch (RuntimeException e) {
      log.error("canary: stopped", e);
    } finally {
      consumer.close();
    }
  }

  private void seen(Alert a) {
    if (a == null || a.getIdentity() == null || !SIGNS.contains(a.getType())) return;
    for (Watched c : canaries) {
      if (c.settings.identity().matcher(a.getIdentity()).find()) {
        if (c.alerted) log.info("canary {}: seen again ({}), after a silence since {}", c.settings.name(),
            a.getIdentity(), c.lastSeen);
        c.lastSeen = clock.instant();
        c.alerted = false;
      }
    }
  }

  private void check() {
    Instant now = clock.instant();
    for (Watched c : canaries) {
      if (c.alerted || now.isBefore(c.lastSeen.plus(c.period))) continue;
      c.alerted = true;
      Alert a = Alert.newBuilder()
          .setAlertId(SinkHealth.id(CANARY_MISSING, c.settings.name(),
              Long.toString(c.lastSeen.toEpochMilli())))
          .setType(CANARY_MISSING)
          .setSeverity(Severity.HIGH)
          .setIdentity(c.identity())
          .setSummary("canary '" + c.settings.name() + "': no entry for /" + c.identity() + "/ since "
              + c.lastSeen + " (expected at least every " + c.period + "): the monitoring path (log reading, ingest, "
              + "match, the watchlist) may be broken, or the expected signing job did not run")
          .setEvidence(Map.of("canary", c.settings.name(), "lastSeen", c.lastSeen.toString(),
              "period", c.period.toString()))
          .setCreatedAtMillis(now.toEpochMilli())
          .build();
      log.warn("{}", a.getSummary());
      try {
        alerts.accept(a);
      } catch (RuntimeException e) {
        log.error("canary: sending {} failed: {}", a.getAlertId(), e.getMessage());
        c.alerted = false;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
