package dev.sigwatch.deploy.runtime;

import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.StoreConsumer;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.StoreConfigSection;
import dev.sigwatch.deploy.health.Health;
import dev.sigwatch.alert.store.LogStatusMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.sigwatch.deploy.health.StageChecks;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert store as a stage of {@code sigwatch run} and {@code sigwatch alert}: opens the database of
 * {@code store.*} and starts the consumer that fills it from the alerts, log events and identity events.
 */
public final class StoreStage {
  private static final Logger log = LoggerFactory.getLogger(StoreStage.class);
  /** How often retention runs. */
  static final Duration PURGE_EVERY = Duration.ofHours(1);

  private StoreStage() {}

  /**
   * Opens the store and starts its consumer, both registered in {@code life} (consumer closed before the store).
   * Its health is the "store" check of {@code health}; per-log progress goes to {@code registry}
   * ({@link LogStatusMetrics}).
   * Returns the store for readers (the HTTP API), or null when {@code store.enabled} is false.
   */
  public static AlertStore start(SigwatchConfig cfg, KafkaRuntime kafka, Lifecycle life, Health health,
                                 PrometheusRegistry registry) throws ConfigException {
    StoreConfigSection s = cfg.store();
    if (!s.enabled()) {
      log.info("alert store: disabled (store.enabled: false)");
      return null;
    }
    AlertStore store = life.add(s.open(cfg.dataDir()));
    StoreConsumer consumer = life.add(new StoreConsumer(kafka.clientProperties(), s.group(), store,
        kafka.topics().alerts(), kafka.topics().logEvents(), kafka.topics().identities(), s.toRetention(),
        PURGE_EVERY, Clock.systemUTC()));
    consumer.start();
    life.add(new LogStatusMetrics(registry, store, Clock.systemUTC()));
    health.register("store", StageChecks.service("store", () -> consumer.failure() == null, () -> true,
        () -> consumer.failure() == null ? consumer.stored() + " record(s) stored"
            : "the store consumer stopped: " + consumer.failure()));
    log.info("alert store: {} filled from {} (group {})", store.describe(), consumer.topics(), s.group());
    return store;
  }
}
