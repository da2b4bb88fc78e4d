package dev.sigwatch.schemas.dlq;

import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@link DeserializationExceptionHandler} that turns a record the stage cannot decode into a
 * {@link RejectedRecord} on {@link Topics#DLQ} (key: the source) and lets the stage go on ({@code RESUME}).
 * The DLQ record is handed back to Kafka Streams, which writes it with the task's own producer, so it is
 * committed together with the task's progress (exactly-once when the app runs with it).
 *
 * <p>Set it with {@code default.deserialization.exception.handler} (constant {@link StreamsConfig
 * #DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG}); {@link #settings} gives the whole config entry set. It reads from
 * the Streams config: {@link #SOURCE_CONFIG} (default: {@code application.id}) and the {@link SerdeConfig}
 * properties (registry URL) for encoding the DLQ record. If the DLQ record itself cannot be encoded (registry
 * down) it returns {@code FAIL}: the input is never dropped silently.
 *
 * <p>Instantiated and configured by Kafka Streams once per stream thread; not shared between threads.
 */
public final class DlqDeserializationExceptionHandler implements DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(DlqDeserializationExceptionHandler.class);
  /** Streams config naming the stage in {@link RejectedRecord#getSource()}. */
  public static final String SOURCE_CONFIG = "sigwatch.dlq.source";

  private String source;
  private Topic<String, RejectedRecord> dlq;
  private RejectedRecords rejected;

  /** The Streams config entries that install this handler for {@code source} with these serde settings. */
  public static Map<String, Object> settings(String source, SerdeConfig serdeConfig) {
    Map<String, Object> m = new java.util.HashMap<>(serdeConfig.asProperties());
    m.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqDeserializationExceptionHandler.class.getName());
    m.put(SOURCE_CONFIG, source);
    return Map.copyOf(m);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object s = configs.get(SOURCE_CONFIG);
    if (s == null) s = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    if (s == null || s.toString().isBlank()) {
      throw new IllegalArgumentException("set " + SOURCE_CONFIG + " or " + StreamsConfig.APPLICATION_ID_CONFIG
          + " to name the stage in DLQ records");
    }
    source = s.toString();
    dlq = Topics.create(SerdeConfig.fromProperties(configs)).dlq();
    rejected = new RejectedRecords(Clock.systemUTC());
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    RejectedRecord value = rejected.of(source, record, exception);
    log.warn("{}: rejecting {}-{}@{} to {}: {}", source, record.topic(), record.partition(), record.offset(),
        dlq.name(), value.getReason());
    byte[] key = source.getBytes(StandardCharsets.UTF_8);
    byte[] bytes;
    try {
      bytes = dlq.valueSerde().serializer().serialize(dlq.name(), value);
    } catch (RuntimeException e) {
      log.error("{}: cannot encode the DLQ record for {}-{}@{}; stopping rather than dropping it",
          source, record.topic(), record.partition(), record.offset(), e);
      return Response.fail();
    }
    return Response.resume(List.of(new ProducerRecord<>(dlq.name(), null, key, bytes)));
  }
}
