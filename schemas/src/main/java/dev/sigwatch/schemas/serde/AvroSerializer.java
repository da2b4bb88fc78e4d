package dev.sigwatch.schemas.serde;

import dev.sigwatch.schemas.registry.SchemaRegistryClient;
import dev.sigwatch.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes records with one writer schema: single-object encoded when no registry is configured, else in the
 * Confluent wire format with the schema registered under {@code <topic>-value} (or {@code <topic>-key}).
 * A null record serializes to null (a tombstone).
 *
 * <p>Thread-safe; {@link #configure} and {@link #close} do nothing (it is fully built by {@link AvroSerdes}).
 */
public final class AvroSerializer<T> implements Serializer<T> {

  private final Schema schema;
  private final DatumWriter<T> writer;
  private final SchemaRegistryClient registry;
  private final String subjectSuffix;
  private final byte[] singleObjectHeader;

  @SuppressWarnings("unchecked")
  AvroSerializer(Schema schema, GenericData model, SchemaStore store, SchemaRegistryClient registry, boolean isKey) {
    this.schema = schema;
    this.writer = (DatumWriter<T>) model.createDatumWriter(schema);
    this.registry = registry;
    this.subjectSuffix = isKey ? "-key" : "-value";
    long fp = SchemaStore.fingerprint(schema);
    if (registry == null && store.byFingerprint(fp).isEmpty()) {
      // Readers resolve single-object records by fingerprint, so writing one no reader knows would fill the DLQ.
      throw new IllegalStateException(String.format(Locale.ROOT,
          "schema %s (fingerprint %016x) is not in the schema history; add it as history/%s.v%d.avsc",
          schema.getFullName(), fp, schema.getName(), store.versions(schema.getFullName()).size() + 1));
    }
    this.singleObjectHeader = WireFormat.singleObjectHeader(fp);
  }

  /** The writer schema. */
  public Schema schema() {
    return schema;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) return null;
    byte[] header = registry == null ? singleObjectHeader : WireFormat.confluentHeader(schemaId(topic));
    Scratch s = SCRATCH.get();
    s.out.reset();
    s.out.writeBytes(header);
    try {
      s.encoder = EncoderFactory.get().binaryEncoder(s.out, s.encoder); // reused: its 2 KB buffer too
      writer.write(data, s.encoder);
      s.encoder.flush();
    } catch (IOException | RuntimeException e) {
      s.out.shrink();
      s.encoder = null; // a half-written buffer must not reach the next record
      throw new SerializationException("encoding " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
    }
    byte[] bytes = s.out.toByteArray();
    s.out.shrink();
    return bytes;
  }

  /**
   * Per-thread scratch space: a record is encoded straight into a reused buffer and copied out once (a fresh stream
   * and buffered encoder per record cost an encoder buffer and a copy per doubling of the stream: ~10 KB allocated
   * for a 2 KB identity event).
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final Buffer out = new Buffer();
    BinaryEncoder encoder;
  }

  /** A byte stream whose buffer is kept between records, up to {@link #KEEP} bytes (a huge record is let go). */
  private static final class Buffer extends ByteArrayOutputStream {
    static final int KEEP = 1 << 16;

    Buffer() {
      super(4096);
    }

    void shrink() {
      if (buf.length > KEEP) buf = new byte[4096];
    }
  }

  private int schemaId(String topic) {
    if (topic == null) throw new SerializationException("Confluent wire format needs a topic to name the subject, got null");
    try {
      return registry.register(topic + subjectSuffix, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(e.getMessage(), e);
    }
  }
}
