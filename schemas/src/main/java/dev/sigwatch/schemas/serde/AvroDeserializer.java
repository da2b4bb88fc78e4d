package dev.sigwatch.schemas.serde;

import dev.sigwatch.schemas.registry.SchemaRegistryClient;
import dev.sigwatch.schemas.registry.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.DatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in either framing (decided by the first byte, see {@link WireFormat}) and resolves the writer's
 * schema to this reader's schema (Avro schema resolution: added fields take their defaults, removed ones are
 * skipped). Single-object records find their writer schema in the {@link SchemaStore}; Confluent ones in the
 * registry. Null data deserializes to null.
 *
 * <p>Anything else fails with a {@link SerializationException} naming the reason: unknown magic byte, unknown
 * fingerprint or schema id, truncated header or body, trailing bytes, or schemas that do not resolve.
 *
 * <p>Thread-safe; {@link #configure} and {@link #close} do nothing.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Schema readerSchema;
  private final GenericData model;
  private final SchemaStore store;
  private final SchemaRegistryClient registry;
  private final Map<Long, DatumReader<T>> byFingerprint = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<T>> bySchemaId = new ConcurrentHashMap<>();

  AvroDeserializer(Schema readerSchema, GenericData model, SchemaStore store, SchemaRegistryClient registry) {
    this.readerSchema = readerSchema;
    this.model = model;
    this.store = store;
    this.registry = registry;
  }

  /** The reader schema. */
  public Schema schema() {
    return readerSchema;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) return null;
    if (data.length == 0) throw fail(topic, "empty record, want at least a 1-byte magic");
    return switch (data[0]) {
      case WireFormat.SINGLE_OBJECT_MAGIC_0 -> singleObject(topic, data);
      case WireFormat.CONFLUENT_MAGIC -> confluent(topic, data);
      default -> throw fail(topic, String.format(Locale.ROOT,
          "unknown magic byte 0x%02x, want 0xc3 (Avro single-object) or 0x00 (Confluent wire format)", data[0] & 0xFF));
    };
  }

  private T singleObject(String topic, byte[] data) {
    if (data.length < WireFormat.SINGLE_OBJECT_HEADER) {
      throw fail(topic, "truncated single-object header: " + data.length + " bytes, want at least " + WireFormat.SINGLE_OBJECT_HEADER);
    }
    if (data[1] != WireFormat.SINGLE_OBJECT_MAGIC_1) {
      throw fail(topic, String.format(Locale.ROOT, "unknown single-object format version 0x%02x, want 0x01", data[1] & 0xFF));
    }
    long fp = WireFormat.singleObjectFingerprint(data);
    DatumReader<T> reader = byFingerprint.get(fp);
    if (reader == null) {
      Schema writer = store.byFingerprint(fp).orElseThrow(() -> new UnknownSchemaException(prefix(topic)
          + String.format(Locale.ROOT,
          "unknown schema fingerprint %016x: not among the %d known schema versions (written by a newer release?)",
          fp, store.size()), fp));
      reader = byFingerprint.computeIfAbsent(fp, k -> newReader(writer));
    }
    return decode(topic, data, WireFormat.SINGLE_OBJECT_HEADER, reader);
  }

  private T confluent(String topic, byte[] data) {
    if (data.length < WireFormat.CONFLUENT_HEADER) {
      throw fail(topic, "truncated Confluent header: " + data.length + " bytes, want at least " + WireFormat.CONFLUENT_HEADER);
    }
    int id = WireFormat.confluentSchemaId(data);
    DatumReader<T> reader = bySchemaId.get(id);
    if (reader == null) {
      if (registry == null) {
        throw fail(topic, "Confluent wire-format record (schema id " + id + ") but no schema registry is configured (set "
            + SerdeConfig.REGISTRY_URL_CONFIG + ")");
      }
      Schema writer;
      try {
        writer = registry.schemaById(id);
      } catch (SchemaRegistryException e) {
        throw new SerializationException(prefix(topic) + e.getMessage(), e);
      }
      reader = bySchemaId.computeIfAbsent(id, k -> newReader(writer));
    }
    return decode(topic, data, WireFormat.CONFLUENT_HEADER, reader);
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> newReader(Schema writer) {
    return (DatumReader<T>) model.createDatumReader(writer, readerSchema);
  }

  private T decode(String topic, byte[] data, int offset, DatumReader<T> reader) {
    // Bounded: no length or count in the body may claim more than the bytes left (see BoundedDecoder).
    BoundedDecoder decoder = new BoundedDecoder(data, offset, data.length - offset);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (EOFException e) {
      throw fail(topic, "truncated body: the " + (data.length - offset) + " bytes after the header end inside the record"
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(prefix(topic) + "malformed body: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (!decoder.isEnd()) {
      throw fail(topic, "trailing bytes after the record (" + (data.length - offset) + " body bytes)");
    }
    return value;
  }

  private SerializationException fail(String topic, String reason) {
    return new SerializationException(prefix(topic) + reason);
  }

  private String prefix(String topic) {
    return "decoding " + readerSchema.getFullName() + " from topic " + topic + ": ";
  }
}
