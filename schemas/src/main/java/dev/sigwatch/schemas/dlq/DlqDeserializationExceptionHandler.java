package dev.sigwatch.schemas.dlq;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.UnknownSchemaException;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
 * <p><b>Version skew</b> is not bad input: a record written with a schema this release does not know
 * ({@link UnknownSchemaException}: a newer stage upstream) goes to the DLQ too, but the stage would silently be blind,
 * so the first such record of each writer schema also raises a {@value #SCHEMA_SKEW} alert (deterministic id per
 * stage, topic and fingerprint) and every one is counted ({@link #unknownSchemaRecords}, exported as a metric).
 *
 * <p>Instantiated and configured by Kafka Streams once per stream thread; not shared between threads.
 */
public final class DlqDeserializationExceptionHandler implements DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(DlqDeserializationExceptionHandler.class);
  /** Streams config naming the stage in {@link RejectedRecord#getSource()}. */
  public static final String SOURCE_CONFIG = "sigwatch.dlq.source";

  /** The alert type of a record whose writer schema this release does not know. */
  public static final String SCHEMA_SKEW = "SCHEMA_SKEW";
  private static final Map<String, LongAdder> UNKNOWN_SCHEMA = new ConcurrentHashMap<>();

  private String source;
  private Topic<String, RejectedRecord> dlq;
  private Topic<String, Alert> alerts;
  private RejectedRecords rejected;
  private final Set<String> alerted = new HashSet<>();

  /** Records of an unknown writer schema that stage {@code source} sent to the DLQ in this JVM. */
  public static long unknownSchemaRecords(String source) {
    LongAdder n = UNKNOWN_SCHEMA.get(source);
    return n == null ? 0 : n.sum();
  }

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
    Topics topics = Topics.create(SerdeConfig.fromProperties(configs));
    dlq = topics.dlq();
    alerts = topics.alerts();
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
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    out.add(new ProducerRecord<>(dlq.name(), null, key, bytes));
    UnknownSchemaException skew = unknownSchema(exception);
    if (skew != null) {
      UNKNOWN_SCHEMA.computeIfAbsent(source, s -> new LongAdder()).increment();
      String fp = String.format(Locale.ROOT, "%016x", skew.fingerprint());
      if (alerted.add(record.topic() + "/" + fp)) {
        Alert a = skewAlert(record, fp);
        log.error("{}: {}", source, a.getSummary());
        try {
          out.add(new ProducerRecord<>(alerts.name(), null, a.getAlertId().getBytes(StandardCharsets.UTF_8),
              alerts.valueSerde().serializer().serialize(alerts.name(), a)));
        } catch (RuntimeException e) {
          log.error("{}: cannot encode the {} alert; stopping rather than going on blind", source, SCHEMA_SKEW, e);
          return Response.fail();
        }
      }
    }
    return Response.resume(out);
  }

  private Alert skewAlert(ConsumerRecord<byte[], byte[]> record, String fingerprint) {
    String id = String.join("\u001f", SCHEMA_SKEW, source, record.topic(), fingerprint);
    String alertId;
    try {
      alertId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)),
          0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("stage", source);
    evidence.put("topic", record.topic());
    evidence.put("partition", Integer.toString(record.partition()));
    evidence.put("offset", Long.toString(record.offset()));
    evidence.put("fingerprint", fingerprint);
    return Alert.newBuilder().setAlertId(alertId).setType(SCHEMA_SKEW).setSeverity(Severity.HIGH)
        .setSummary(source + " cannot read records of " + record.topic() + " written with schema fingerprint "
            + fingerprint + ", unknown to this release (version skew: a newer stage upstream?); they go to the DLQ "
            + "and " + source + " does not see them until it is upgraded")
        .setEvidence(evidence).setCreatedAtMillis(System.currentTimeMillis()).build();
  }

  private static UnknownSchemaException unknownSchema(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof UnknownSchemaException u) return u;
    }
    return null;
  }
}
