package dev.sigwatch.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsTuningTest {
  @Test
  void addsTheProducerDefaultsWhereTheUserSetNone() {
    Map<String, Object> m = new HashMap<>();
    StreamsTuning.producerDefaults(m);
    assertThat(m).containsEntry("producer.batch.size", StreamsTuning.BATCH_SIZE)
        .containsEntry("producer.linger.ms", StreamsTuning.LINGER_MS)
        .containsEntry("producer.compression.type", "lz4");
    // and Kafka Streams hands them to its producer
    m.put(StreamsConfig.APPLICATION_ID_CONFIG, "t");
    m.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    Map<String, Object> producer = new StreamsConfig(m).getProducerConfigs("client");
    assertThat(producer).containsEntry("batch.size", StreamsTuning.BATCH_SIZE).containsEntry("linger.ms", 20)
        .containsEntry("compression.type", "lz4");
  }

  @Test
  void theUsersValueWinsInEitherSpelling() {
    Properties p = new Properties();
    p.put("batch.size", 1000);
    p.put("producer.compression.type", "zstd");
    StreamsTuning.producerDefaults(p);
    assertThat(p).doesNotContainKey("producer.batch.size").containsEntry("producer.compression.type", "zstd")
        .containsEntry("producer.linger.ms", StreamsTuning.LINGER_MS);
  }
}
