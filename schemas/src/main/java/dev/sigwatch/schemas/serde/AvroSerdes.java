package dev.sigwatch.schemas.serde;

import dev.sigwatch.schemas.registry.SchemaRegistryClient;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds serdes that share one {@link SchemaStore} and, when a registry is configured, one
 * {@link SchemaRegistryClient} (so its caches are shared). Thread-safe.
 */
public final class AvroSerdes {

  private final SerdeConfig config;
  private final SchemaStore store;
  private final SchemaRegistryClient registry;

  private AvroSerdes(SerdeConfig config, SchemaStore store) {
    this.config = config;
    this.store = store;
    this.registry = config.registry().map(url -> new SchemaRegistryClient(url, config.registryTimeout())).orElse(null);
  }

  /** Serdes over the shipped schema history. */
  public static AvroSerdes create(SerdeConfig config) {
    return new AvroSerdes(config, SchemaStore.shipped());
  }

  /** Serdes over another schema history (e.g. the shipped one plus a future version, in tests). */
  public static AvroSerdes create(SerdeConfig config, SchemaStore store) {
    return new AvroSerdes(config, store);
  }

  public SerdeConfig config() {
    return config;
  }

  public SchemaStore store() {
    return store;
  }

  public Optional<SchemaRegistryClient> registry() {
    return Optional.ofNullable(registry);
  }

  /** The serde of a generated record class, for values ({@code isKey == false}) or keys (registry subject suffix). */
  public <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type, boolean isKey) {
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    return new AvroSerde<>(type, serializer(schema, model, isKey), deserializer(schema, model));
  }

  /** A value serde of a generated record class. */
  public <T extends SpecificRecord> AvroSerde<T> valueSerde(Class<T> type) {
    return serde(type, false);
  }

  /** A serializer writing with {@code writerSchema} through {@code model} (GenericData for GenericRecords). */
  public <T> AvroSerializer<T> serializer(Schema writerSchema, GenericData model, boolean isKey) {
    return new AvroSerializer<>(writerSchema, model, store, registry, isKey);
  }

  /** A deserializer resolving every known writer schema to {@code readerSchema}, building data with {@code model}. */
  public <T> AvroDeserializer<T> deserializer(Schema readerSchema, GenericData model) {
    return new AvroDeserializer<>(readerSchema, model, store, registry);
  }
}
