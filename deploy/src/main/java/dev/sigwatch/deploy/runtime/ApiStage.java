package dev.sigwatch.deploy.runtime;

import dev.sigwatch.alert.api.AlertApi;
import dev.sigwatch.alert.api.ApiServer;
import dev.sigwatch.match.watchlist.WatchlistTopic;
import dev.sigwatch.alert.replay.ReplayService;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.deploy.config.SigwatchConfig;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and web page as part of {@code sigwatch run} and {@code sigwatch alert}: served over the alert store
 * the same process fills, with the watchlist edited through the cluster's watchlist topic.
 */
public final class ApiStage {
  private static final Logger log = LoggerFactory.getLogger(ApiStage.class);

  private ApiStage() {}

  /**
   * Starts the server, registered in {@code life}; returns null when {@code api.enabled} is false or there is no
   * store to serve ({@code store} null).
   */
  public static ApiServer start(SigwatchConfig cfg, KafkaRuntime kafka, AlertStore store, Lifecycle life)
      throws IOException {
    if (!cfg.api().enabled()) {
      log.info("HTTP API: disabled (api.enabled: false)");
      return null;
    }
    if (store == null) {
      log.warn("HTTP API: not started, it serves the alert store, which is disabled (store.enabled: false)");
      return null;
    }
    // Replays started through POST /api/v1/replays run here, one at a time, over the store this server reads; the
    // service is stopped (the running replay CANCELLED, resumable) before the store closes.
    ReplayService replays = life.add(new ReplayService(store, Clock.systemUTC()));
    return life.add(AlertApi.start(cfg.api().toSettings(), store,
        new WatchlistTopic(kafka.clientProperties(), kafka.topics().watchlist()),
        new dev.sigwatch.match.CompactedTopic<>(kafka.clientProperties(), kafka.topics().authorizations()), replays));
  }
}
