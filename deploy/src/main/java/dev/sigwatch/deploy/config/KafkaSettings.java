package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code kafka:} — which cluster to use.
 *
 * @param bootstrapServers an external cluster; null = start the embedded single-node broker
 * @param schemaRegistryUrl a Confluent-compatible schema registry; null = Avro single-object encoding
 * @param embeddedDataDir the embedded broker's data directory; default {@code <dataDir>/kafka}
 * @param replicationFactor replication of sigwatch's topics on an external cluster (1 on the embedded broker)
 * @param properties extra client properties (security, SASL...); values may be {@code ${ENV_VAR}} references
 */
public record KafkaSettings(
    @JsonProperty("bootstrapServers") String bootstrapServers,
    @JsonProperty("schemaRegistryUrl") String schemaRegistryUrl,
    @JsonProperty("embeddedDataDir") Path embeddedDataDir,
    @JsonProperty("replicationFactor") Short replicationFactor,
    @JsonProperty("properties") Map<String, String> properties) {

  static final KafkaSettings DEFAULT = new KafkaSettings(null, null, null, null, null);

  public KafkaSettings {
    bootstrapServers = blankToNull(bootstrapServers);
    schemaRegistryUrl = blankToNull(schemaRegistryUrl);
    replicationFactor = replicationFactor == null ? 1 : replicationFactor;
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
