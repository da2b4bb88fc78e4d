package dev.sigwatch.deploy.runtime;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.verify.VerifyService;
import dev.sigwatch.ingest.LogTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Builds each stage's service from the configuration, so {@code sigwatch run} and the one-stage commands
 * ({@code sigwatch verify}, ...) configure a stage the same way.
 */
public final class Stages {
  private Stages() {}

  public static VerifyService verify(SigwatchConfig cfg, TrustSource trust, KafkaRuntime kafka) throws ConfigException {
    return new VerifyService(cfg.verify().toSettings(trust.trustedRoot()), streamsProperties(cfg, kafka), kafka.topics());
  }

  /** The match stage; {@code joinWindow}: how long CT issuance and Rekor use wait for each other. */
  public static MatchService match(SigwatchConfig cfg, TrustSource trust, KafkaRuntime kafka, Duration joinWindow) {
    MatchSettings settings = new MatchSettings(trust.trustedRoot(), cfg.monitoredValues(), joinWindow,
        MatchSettings.DEFAULT_APPLICATION_ID);
    return new MatchService(settings, streamsProperties(cfg, kafka), kafka.topics());
  }

  /** The logs to ingest: the config's {@code logs:} list, else every log of the trusted root valid now. */
  public static List<LogTarget> logs(SigwatchConfig cfg, TrustSource trust) {
    return LogDiscovery.configuredOrDiscovered(cfg, trust, Instant.now());
  }

  /** Client properties plus the Kafka Streams state directory under {@code dataDir}, not the OS temp dir. */
  static Map<String, Object> streamsProperties(SigwatchConfig cfg, KafkaRuntime kafka) {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, cfg.dataDir().resolve("streams").toString());
    return props;
  }
}
