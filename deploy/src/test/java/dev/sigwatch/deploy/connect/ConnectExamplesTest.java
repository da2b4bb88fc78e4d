package dev.sigwatch.deploy.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Kafka Connect examples in {@code deploy/connect} (no Connect runtime here): each parses, reads the catalogue's
 * alerts topic, reads keys as the plain strings sigwatch writes and values with the registry's Avro converter, and
 * takes every credential from the environment.
 */
class ConnectExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({
      "elasticsearch-sink.json, io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
      "splunk-sink.json, com.splunk.kafka.connect.SplunkSinkConnector",
      "s3-sink.json, io.confluent.connect.s3.S3SinkConnector"})
  void readsTheAlertsTopicWithTheRegistrysAvroConverter(String file, String connectorClass) throws Exception {
    JsonNode root = JSON.readTree(Files.readString(Path.of("connect", file)));
    assertThat(root.path("name").asText()).startsWith("sigwatch-alerts-");
    JsonNode c = root.path("config");
    assertThat(c.path("connector.class").asText()).isEqualTo(connectorClass);
    Topics topics = Topics.create(SerdeConfig.embedded());
    assertThat(c.path("topics").asText()).isEqualTo(topics.alerts().name());
    assertThat(topics.byName(c.path("topics").asText())).isPresent();
    // Keys are plain UTF-8 strings (the alert id), never Avro: see Topics.
    assertThat(c.path("key.converter").asText()).isEqualTo("org.apache.kafka.connect.storage.StringConverter");
    assertThat(c.path("value.converter").asText()).isEqualTo("io.confluent.connect.avro.AvroConverter");
    assertThat(c.path("value.converter.schema.registry.url").asText()).isEqualTo("${env:SCHEMA_REGISTRY_URL}");
    assertThat(c.path("errors.tolerance").asText()).as("never drop an alert silently").isEqualTo("none");
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(e.getValue().isTextual()).as("%s is a string, as Connect's REST API expects", e.getKey()).isTrue();
      if (e.getKey().matches(".*(password|token|secret).*")) {
        assertThat(e.getValue().asText()).as(e.getKey()).startsWith("${env:");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"elasticsearch-sink.json, key.ignore, false", "elasticsearch-sink.json, write.method, upsert",
      "splunk-sink.json, splunk.hec.ack.enabled, true"})
  void redeliveriesAreHarmless(String file, String key, String value) throws Exception {
    // At-least-once: Elasticsearch upserts by the record key (the alert id), Splunk acknowledges each batch.
    JsonNode c = JSON.readTree(Files.readString(Path.of("connect", file))).path("config");
    assertThat(c.path(key).asText()).isEqualTo(value);
  }
}
