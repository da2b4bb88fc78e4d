package dev.sigwatch.deploy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge on a real, not started, Kafka Streams client: no broker needed, every family renders. */
class StreamsMetricsTest {
  @TempDir
  Path dir;

  @Test
  void createdClientIsNotRunningAndEveryFamilyIsValid() throws IOException {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("in").to("out");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArray().getClass());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArray().getClass());
    PrometheusRegistry registry = new PrometheusRegistry();
    try (KafkaStreams streams = new KafkaStreams(b.build(), p);
         StreamsMetrics m = StreamsMetrics.register(registry, List.of(
             new StreamsStage("verify", streams::state, streams::metrics),
             new StreamsStage("match", () -> null, Map::of)))) {
      Exposition e = Exposition.parse(text(registry));
      assertThat(e.value("sigwatch_streams_running", Map.of("stage", "verify"))).isEqualTo(0.0);
      assertThat(e.value("sigwatch_streams_running", Map.of("stage", "match"))).isEqualTo(0.0);
      assertThat(e.value("sigwatch_streams_state", Map.of("stage", "verify", "state", "CREATED"))).isEqualTo(1.0);
      assertThat(e.find("sigwatch_streams_state", Map.of("stage", "match"))).allSatisfy(s -> assertThat(s.value())
          .isZero());
      assertThat(e.value("sigwatch_streams_processed_records_total", Map.of("stage", "verify",
          "thread", e.find("sigwatch_streams_processed_records_total", Map.of()).get(0).labels().get("thread"))))
          .isEqualTo(0.0);
      assertThat(e.find("sigwatch_streams_processed_records_total", Map.of("stage", "match"))).isEmpty();
      assertThat(e.value("sigwatch_streams_unknown_schema_records_total", Map.of("stage", "verify"))).isEqualTo(0.0);
    }
    assertThat(text(registry)).as("closed collector unregistered").doesNotContain("sigwatch_streams_");
  }

  @Test
  void stageNamesMustBeDistinct() {
    StreamsStage s = new StreamsStage("verify", () -> null, Map::of);
    assertThatThrownBy(() -> new StreamsMetrics(List.of(s, s))).hasMessageContaining("distinct");
  }

  private static String text(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
