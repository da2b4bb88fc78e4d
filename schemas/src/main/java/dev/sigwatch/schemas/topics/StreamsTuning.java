package dev.sigwatch.schemas.topics;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Producer defaults for the stages' Kafka Streams applications, for throughput: each one a default that the client
 * properties ({@code kafka.properties}, e.g. {@code producer.batch.size}) override.
 *
 * <p>Why: Kafka Streams keeps the producer's 16 KB {@code batch.size}, which with 2 KB identity events closes a batch
 * every ~8 records. Measured with {@code sigwatch benchmark} on the embedded broker, match then sent one produce request
 * per ~14 entries and the broker spent ~1 ms of CPU on each (transaction checks, the log append, the purgatory) — as
 * much CPU as match's own parsing. With 512 KB batches and a 20 ms linger it sends about one per 100+ entries, and LZ4
 * (as ingest already uses) cuts the bytes the broker copies, stores and serves again to the join by 2–5x.
 */
public final class StreamsTuning {
  /** Per-partition batch of the stages' producers. */
  public static final int BATCH_SIZE = 512 * 1024;
  /** How long a producer waits to fill a batch (well under the 1 s commit interval that bounds alert latency). */
  public static final int LINGER_MS = 20;
  public static final String COMPRESSION = "lz4";

  private StreamsTuning() {}

  /** Adds the throughput defaults to {@code streamsConfig} where it sets none of its own. */
  public static void producerDefaults(Map<? super String, ? super Object> streamsConfig) {
    putDefault(streamsConfig, ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
    putDefault(streamsConfig, ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    putDefault(streamsConfig, ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
  }

  private static void putDefault(Map<? super String, ? super Object> m, String producerKey, Object value) {
    // Either spelling counts as the user's choice: "producer.batch.size" (Streams' prefix) or plain "batch.size".
    if (m.containsKey(producerKey) || m.containsKey(StreamsConfig.producerPrefix(producerKey))) return;
    m.put(StreamsConfig.producerPrefix(producerKey), value);
  }
}
