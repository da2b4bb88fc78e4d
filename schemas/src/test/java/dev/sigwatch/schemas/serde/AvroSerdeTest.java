package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.SampleRecords;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Single-object encoding edge cases, without a broker (the broker round trips are in the ITs). */
class AvroSerdeTest {

  private static final AvroSerdes SERDES = AvroSerdes.create(SerdeConfig.embedded());

  static Stream<SpecificRecord> samples() {
    return Stream.concat(SampleRecords.full().stream(), SampleRecords.minimal().stream());
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeOf(T record) {
    return SERDES.valueSerde((Class<T>) record.getClass());
  }

  @ParameterizedTest
  @MethodSource("samples")
  <T extends SpecificRecord> void roundTripsEveryType(T record) {
    AvroSerde<T> serde = serdeOf(record);
    byte[] bytes = serde.serializer().serialize("t", record);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(record);
  }

  @ParameterizedTest
  @MethodSource("samples")
  <T extends SpecificRecord> void bytesAreAvrosOwnSingleObjectEncoding(T record) throws Exception {
    // Avro's BinaryMessageEncoder is an independent implementation of the same spec: bytes must match exactly,
    // and each side must decode the other's output.
    Schema schema = record.getSchema();
    ByteBuffer avros = new BinaryMessageEncoder<T>(SpecificData.get(), schema).encode(record);
    byte[] want = new byte[avros.remaining()];
    avros.get(want);
    AvroSerde<T> serde = serdeOf(record);
    byte[] got = serde.serializer().serialize("t", record);
    assertThat(got).isEqualTo(want);
    assertThat(serde.deserializer().deserialize("t", want)).isEqualTo(record);
    assertThat(new BinaryMessageDecoder<T>(SpecificData.get(), schema).decode(got)).isEqualTo(record);
  }

  @ParameterizedTest
  @MethodSource("samples")
  <T extends SpecificRecord> void everyTruncationFailsWithAReason(T record) {
    AvroSerde<T> serde = serdeOf(record);
    byte[] bytes = serde.serializer().serialize("t", record);
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> serde.deserializer().deserialize("t", cut))
          .as("prefix of %d/%d bytes", n, bytes.length)
          .isInstanceOf(SerializationException.class)
          .hasMessageMatching("decoding dev\\.sigwatch\\.schemas\\.\\w+ from topic t: "
              + "(empty record.*|truncated single-object header: \\d bytes, want at least 10|truncated body: .*)");
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  <T extends SpecificRecord> void everyBitFlipInTheBodyDecodesOrFailsWithSerializationException(T record) {
    AvroSerde<T> serde = serdeOf(record);
    byte[] bytes = serde.serializer().serialize("t", record);
    int step = Math.max(1, (bytes.length - 10) / 300); // bounded work on the multi-KB samples
    for (int i = 10; i < bytes.length; i += step) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] m = bytes.clone();
        m[i] ^= (byte) (1 << bit);
        try {
          serde.deserializer().deserialize("t", m);
        } catch (SerializationException expected) {
          assertThat(expected.getMessage()).startsWith("decoding " + record.getSchema().getFullName() + " from topic t: ");
        }
      }
    }
  }

  @Test
  void rejectsUnknownMagicByte() {
    assertThatThrownBy(() -> checkpoints().deserialize("t", "{\"logId\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessage("decoding dev.sigwatch.schemas.Checkpoint from topic t: unknown magic byte 0x7b, "
            + "want 0xc3 (Avro single-object) or 0x00 (Confluent wire format)");
  }

  @Test
  void rejectsUnknownSingleObjectVersion() {
    byte[] bytes = valid();
    bytes[1] = 0x02;
    assertThatThrownBy(() -> checkpoints().deserialize("t", bytes))
        .hasMessage("decoding dev.sigwatch.schemas.Checkpoint from topic t: unknown single-object format version 0x02, want 0x01");
  }

  @Test
  void rejectsUnknownFingerprint() {
    byte[] bytes = valid();
    bytes[9] ^= 0x40; // most significant byte of the little-endian fingerprint
    long fp = SchemaStore.fingerprint(Checkpoint.getClassSchema()) ^ (0x40L << 56);
    assertThatThrownBy(() -> checkpoints().deserialize("t", bytes))
        .hasMessage(String.format(java.util.Locale.ROOT, "decoding dev.sigwatch.schemas.Checkpoint from topic t: unknown schema "
            + "fingerprint %016x: not among the %d known schema versions (written by a newer release?)",
            fp, SchemaStore.shipped().size()));
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] bytes = Arrays.copyOf(valid(), valid().length + 1);
    assertThatThrownBy(() -> checkpoints().deserialize("t", bytes))
        .hasMessageMatching("decoding dev.sigwatch.schemas.Checkpoint from topic t: trailing bytes after the record \\(\\d+ body bytes\\)");
  }

  @Test
  void rejectsConfluentRecordWithoutRegistry() {
    assertThatThrownBy(() -> checkpoints().deserialize("t", new byte[] {0, 0, 0, 1, 2, 10}))
        .hasMessage("decoding dev.sigwatch.schemas.Checkpoint from topic t: Confluent wire-format record (schema id 258) "
            + "but no schema registry is configured (set sigwatch.registry.url)");
    assertThatThrownBy(() -> checkpoints().deserialize("t", new byte[] {0, 0, 0}))
        .hasMessage("decoding dev.sigwatch.schemas.Checkpoint from topic t: truncated Confluent header: 3 bytes, want at least 5");
  }

  @Test
  void recordOfAnotherTypeFailsToResolve() {
    // A LogEvent on the checkpoints topic: its fingerprint is known, but a LogEvent does not resolve to a Checkpoint.
    byte[] logEvent = SERDES.valueSerde(LogEvent.class).serializer().serialize("t", (LogEvent) SampleRecords.full().get(3));
    assertThatThrownBy(() -> checkpoints().deserialize("t", logEvent))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("decoding dev.sigwatch.schemas.Checkpoint from topic t: malformed body: ");
  }

  @Test
  void nullIsATombstoneBothWays() {
    assertThat(SERDES.valueSerde(Checkpoint.class).serializer().serialize("t", null)).isNull();
    assertThat(checkpoints().deserialize("t", null)).isNull();
  }

  @Test
  void oldRecordsReadWithTheNextVersionGetDefaults() {
    // Release N writes with Checkpoint v1; release N+1 reads with v2 (shipped history + v2, reader = v2).
    Schema v2 = EvolutionSchemas.checkpointV2();
    AvroSerdes next = AvroSerdes.create(SerdeConfig.embedded(), SchemaStore.shipped().with(v2));
    Checkpoint written = (Checkpoint) SampleRecords.full().get(0);
    GenericRecord read = next.<GenericRecord>deserializer(v2, GenericData.get()).deserialize("t", valid());
    assertThat(read.get("witnessCount")).isEqualTo(0);
    assertThat(read.get("note")).isNull();
    for (Schema.Field f : Checkpoint.getClassSchema().getFields()) {
      assertThat(GenericData.get().compare(read.get(f.name()), written.get(f.name()), v2.getField(f.name()).schema()))
          .as(f.name()).isZero();
    }
  }

  @Test
  void recordsOfTheNextVersionAreUnknownToThisReleaseButReadableWithItsHistory() {
    Schema v2 = EvolutionSchemas.checkpointV2();
    AvroSerdes next = AvroSerdes.create(SerdeConfig.embedded(), SchemaStore.shipped().with(v2));
    GenericRecord newer = new GenericData.Record(v2);
    Checkpoint c = (Checkpoint) SampleRecords.full().get(0);
    for (Schema.Field f : Checkpoint.getClassSchema().getFields()) newer.put(f.name(), SpecificToGeneric.convert(c.get(f.name())));
    newer.put("witnessCount", 3);
    newer.put("note", "x");
    byte[] bytes = next.<GenericRecord>serializer(v2, GenericData.get(), false).serialize("t", newer);
    // This release does not ship v2: the reason names the fingerprint, so the DLQ record explains itself.
    assertThatThrownBy(() -> checkpoints().deserialize("t", bytes)).hasMessageContaining("unknown schema fingerprint");
    // A reader that knows v2 (e.g. via the registry, or N+1's history) reads it as the current class.
    Checkpoint read = next.valueSerde(Checkpoint.class).deserializer().deserialize("t", bytes);
    assertThat(read).isEqualTo(c);
  }

  @Test
  void writerSchemaMissingFromHistoryIsRefused() {
    Schema v2 = EvolutionSchemas.checkpointV2();
    assertThatThrownBy(() -> SERDES.serializer(v2, GenericData.get(), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageMatching("schema dev\\.sigwatch\\.schemas\\.Checkpoint \\(fingerprint [0-9a-f]{16}\\) is not in the schema "
            + "history; add it as history/Checkpoint\\.v3\\.avsc");
  }

  /**
   * The serializer reuses one buffer and encoder per thread: a record that fails half-written, and one larger than
   * the kept buffer, leave nothing behind in the next record's bytes.
   */
  @Test
  void aFailedOrHugeRecordLeavesNothingInTheNextOnesBytes() {
    Checkpoint good = (Checkpoint) SampleRecords.full().get(0);
    AvroSerde<Checkpoint> serde = SERDES.valueSerde(Checkpoint.class);
    byte[] alone = serde.serializer().serialize("t", good);
    Checkpoint broken = Checkpoint.newBuilder(good).build();
    broken.setOrigin(null); // a required string: the writer fails after the fields before it were buffered
    assertThatThrownBy(() -> serde.serializer().serialize("t", broken)).isInstanceOf(SerializationException.class);
    assertThat(serde.serializer().serialize("t", good)).isEqualTo(alone);
    Checkpoint huge = Checkpoint.newBuilder(good).setLogId("x".repeat(200_000)).build();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", huge))).isEqualTo(huge);
    assertThat(serde.serializer().serialize("t", good)).isEqualTo(alone);
  }

  private static AvroDeserializer<Checkpoint> checkpoints() {
    return SERDES.valueSerde(Checkpoint.class).deserializer();
  }

  private static byte[] valid() {
    return SERDES.valueSerde(Checkpoint.class).serializer().serialize("t", (Checkpoint) SampleRecords.full().get(0));
  }
}
