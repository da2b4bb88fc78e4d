package dev.sigwatch.schemas.serde;

import org.apache.avro.generic.GenericData;

/** Test helper: a field value of a specific record as GenericData expects it (enums become enum symbols). */
final class SpecificToGeneric {

  private SpecificToGeneric() {}

  static Object convert(Object value) {
    if (value instanceof Enum<?> e) {
      return new GenericData.EnumSymbol(((org.apache.avro.generic.GenericContainer) value).getSchema(), e.name());
    }
    return value;
  }
}
