package dev.sigwatch.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The serde of one generated Avro record type: writes the type's current schema (single-object or Confluent
 * framing per {@link SerdeConfig}), reads either framing and any known version of the schema. Built by
 * {@link AvroSerdes#serde}. Thread-safe; configure and close do nothing.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  AvroSerde(Class<T> type, AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.type = type;
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public String toString() {
    return "AvroSerde[" + type.getName() + "]";
  }
}
