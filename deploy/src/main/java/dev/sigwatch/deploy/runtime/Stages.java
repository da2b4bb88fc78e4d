package dev.sigwatch.deploy.runtime;

import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkFactory;
import dev.sigwatch.alert.sink.SinkMetrics;
import dev.sigwatch.alert.sink.SinkService;
import dev.sigwatch.alert.sink.SinkSpec;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.MatchService;
import dev.sigwatch.match.MatchSettings;
import dev.sigwatch.verify.VerifyService;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import java.time.Clock;
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
    return new VerifyService(cfg.verify().toSettings(trust.trustedRoot(), cfg.logs()), streamsProperties(cfg, kafka), kafka.topics());
  }

  /**
   * The verify stage reading the trusted root from {@code live} at every checkpoint (refreshed through TUF), with the
   * checkpoint origins a monitor config gives its read URLs besides the configured {@code logs[].origin}.
   */
  public static VerifyService verify(SigwatchConfig cfg, dev.sigwatch.deploy.trust.LiveTrust live,
      Map<String, String> discoveredOrigins, KafkaRuntime kafka) throws ConfigException {
    dev.sigwatch.verify.VerifySettings s = cfg.verify().toSettings(live.root(), cfg.logs());
    Map<String, String> origins = new HashMap<>(discoveredOrigins);
    origins.putAll(s.origins());
    return new VerifyService(s.withOrigins(origins).withCurrentRoot(live::root), streamsProperties(cfg, kafka),
        kafka.topics());
  }

  /** The match stage; {@code joinWindow}: how long CT issuance and Rekor use wait for each other. */
  public static MatchService match(SigwatchConfig cfg, TrustSource trust, KafkaRuntime kafka, Duration joinWindow) {
    MatchSettings settings = new MatchSettings(trust.trustedRoot(), cfg.monitoredValues(), joinWindow,
        MatchSettings.DEFAULT_APPLICATION_ID);
    return new MatchService(settings, streamsProperties(cfg, kafka), kafka.topics());
  }

  /**
   * The match stage judging certificates by the Fulcio CAs of the trusted root in {@code live} at each check (a CA
   * TUF publishes counts as Fulcio-issued without a restart).
   */
  public static MatchService match(SigwatchConfig cfg, dev.sigwatch.deploy.trust.LiveTrust live, KafkaRuntime kafka,
                                   Duration joinWindow) {
    MatchSettings settings = new MatchSettings(live.root(), cfg.monitoredValues(), joinWindow,
        MatchSettings.DEFAULT_APPLICATION_ID).withCurrentRoot(live::root);
    return new MatchService(settings, streamsProperties(cfg, kafka), kafka.topics());
  }

  /** The sinks of {@code alerts.sinks[]}, built (no connection opened); a bad setting is a ConfigException. */
  public static List<SinkSpec> sinkSpecs(SigwatchConfig cfg) throws ConfigException {
    try {
      return SinkFactory.buildAll(cfg.alerts().sinks(), new SinkContext(cfg.alerts().webUrl(), Clock.systemUTC()));
    } catch (RuntimeException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** The alert sinks of {@code alerts.sinks[]}, not started. */
  public static SinkService sinks(SigwatchConfig cfg, KafkaRuntime kafka, SinkMetrics metrics) throws ConfigException {
    return new SinkService(sinkSpecs(cfg), kafka.clientProperties(), kafka.topics(), metrics, Clock.systemUTC());
  }

  /** The logs to ingest: the config's {@code logs:} list, else every log of the trusted root valid now. */
  public static List<LogTarget> logs(SigwatchConfig cfg, TrustSource trust) {
    return cfg.logs().isEmpty() ? LogDiscovery.discover(trust.state(), Instant.now(), cfg.trust().retiredFor()).current()
        : configuredLogs(cfg);
  }

  /** The config's {@code logs}, without repeats. */
  public static List<LogTarget> configuredLogs(SigwatchConfig cfg) {
    return cfg.logs().stream().map(l -> LogTarget.of(l.type(), l.url())).distinct().toList();
  }

  /** Client properties plus the Kafka Streams state directory under {@code dataDir}, not the OS temp dir. */
  public static Map<String, Object> streamsProperties(SigwatchConfig cfg, KafkaRuntime kafka) {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, cfg.dataDir().resolve("streams").toString());
    return props;
  }
}
