package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.match.watchlist.MonitoredValues;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole {@code --config} file. Every key is documented in the README's configuration reference;
 * {@link ConfigLoader} rejects unknown keys and validates values, naming the bad one.
 *
 * @param dataDir where sigwatch keeps state (the embedded broker's data under {@code kafka/}); default {@code ~/.sigwatch}
 * @param trustedRoot a {@code trusted_root.json}; null = the Sigstore public-good root via TUF
 * @param signingConfig a signing config (Rekor v2 shard URLs); null = the one distributed with the trusted root
 * @param logs an explicit list of logs that overrides discovery from the trusted root
 * @param store the alert store ({@link StoreConfigSection})
 * @param trust TUF repository, refresh and monitor config ({@link TrustConfigSection})
 * @param canaries expected identities whose silence means the monitoring path may be broken
 */
public record SigwatchConfig(
    @JsonProperty("dataDir") Path dataDir,
    @JsonProperty("kafka") KafkaSettings kafka,
    @JsonProperty("trustedRoot") Path trustedRoot,
    @JsonProperty("signingConfig") Path signingConfig,
    @JsonProperty("logs") List<LogSettings> logs,
    @JsonProperty("alerts") AlertSettings alerts,
    @JsonProperty("metrics") MetricsSettings metrics,
    @JsonProperty("verify") VerifyConfigSection verify,
    @JsonProperty("ingest") IngestConfigSection ingest,
    @JsonProperty("monitoredValues") MonitoredValues monitoredValues,
    @JsonProperty("api") ApiConfigSection api,
    @JsonProperty("store") StoreConfigSection store,
    @JsonProperty("trust") TrustConfigSection trust,
    @JsonProperty("canaries") List<CanarySettings> canaries) {

  public SigwatchConfig {
    dataDir = dataDir == null ? Path.of(System.getProperty("user.home"), ".sigwatch") : dataDir;
    kafka = kafka == null ? KafkaSettings.DEFAULT : kafka;
    logs = logs == null ? List.of() : List.copyOf(logs);
    alerts = alerts == null ? AlertSettings.DEFAULT : alerts;
    metrics = metrics == null ? MetricsSettings.DEFAULT : metrics;
    verify = verify == null ? VerifyConfigSection.DEFAULT : verify;
    ingest = ingest == null ? IngestConfigSection.DEFAULT : ingest;
    monitoredValues = monitoredValues == null ? MonitoredValues.EMPTY : monitoredValues;
    api = api == null ? ApiConfigSection.DEFAULT : api;
    store = store == null ? StoreConfigSection.DEFAULT : store;
    trust = trust == null ? TrustConfigSection.DEFAULT : trust;
    canaries = canaries == null ? List.of() : List.copyOf(canaries);
  }

  /** A configuration without canaries. */
  public SigwatchConfig(Path dataDir, KafkaSettings kafka, Path trustedRoot, Path signingConfig, List<LogSettings> logs,
      AlertSettings alerts, MetricsSettings metrics, VerifyConfigSection verify, IngestConfigSection ingest,
      MonitoredValues monitoredValues, ApiConfigSection api, StoreConfigSection store, TrustConfigSection trust) {
    this(dataDir, kafka, trustedRoot, signingConfig, logs, alerts, metrics, verify, ingest, monitoredValues, api, store,
        trust, null);
  }

  /** A configuration with the default {@code trust} section. */
  public SigwatchConfig(Path dataDir, KafkaSettings kafka, Path trustedRoot, Path signingConfig, List<LogSettings> logs,
      AlertSettings alerts, MetricsSettings metrics, VerifyConfigSection verify, IngestConfigSection ingest,
      MonitoredValues monitoredValues, ApiConfigSection api, StoreConfigSection store) {
    this(dataDir, kafka, trustedRoot, signingConfig, logs, alerts, metrics, verify, ingest, monitoredValues, api, store,
        null, null);
  }

  /** This configuration with another {@code trust} section. */
  public SigwatchConfig withTrust(TrustConfigSection t) {
    return new SigwatchConfig(dataDir, kafka, trustedRoot, signingConfig, logs, alerts, metrics, verify, ingest,
        monitoredValues, api, store, t, canaries);
  }

  /** The configuration used when no file is given. */
  public static SigwatchConfig defaults() {
    return new SigwatchConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This configuration with other Kafka settings. */
  public SigwatchConfig withKafka(KafkaSettings k) {
    return new SigwatchConfig(dataDir, k, trustedRoot, signingConfig, logs, alerts, metrics, verify, ingest,
        monitoredValues, api, store, trust, canaries);
  }

  /** This configuration with other canaries. */
  public SigwatchConfig withCanaries(List<CanarySettings> c) {
    return new SigwatchConfig(dataDir, kafka, trustedRoot, signingConfig, logs, alerts, metrics, verify, ingest,
        monitoredValues, api, store, trust, c);
  }

  /** Whether sigwatch must start its own in-process broker. */
  public boolean embeddedKafka() {
    return kafka.bootstrapServers() == null;
  }

  /** Where the embedded broker keeps its data. */
  public Path embeddedKafkaDir() {
    return kafka.embeddedDataDir() != null ? kafka.embeddedDataDir() : dataDir.resolve("kafka");
  }
}
