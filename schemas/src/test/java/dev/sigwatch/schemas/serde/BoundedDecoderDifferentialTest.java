package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.schemas.SampleRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The array-backed {@link BoundedDecoder} against the stream-backed one it replaced ({@link StreamBoundedDecoder}, Avro's
 * direct binary decoder underneath): for every record type's full and minimal sample, every truncation, byte
 * replacements at every position, random insertions and the saved fuzz corpus, both give the same record (and both
 * end at the record's end, or both not), or the same exception with the same message (the class alone for
 * the JVM's implicit exceptions, whose message HotSpot drops in compiled code).
 */
class BoundedDecoderDifferentialTest {
  private static final byte[] REPLACEMENTS = {0x00, 0x01, 0x02, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

  interface DecoderFactory {
    Decoder over(byte[] data, int offset, int length);
  }

  /** The decoded record and whether the decoder was at the end, or the exception's class and message. */
  private static String outcome(Schema schema, byte[] data, int offset, DecoderFactory factory) {
    return outcome(schema, schema, data, offset, factory);
  }

  private static String outcome(Schema writer, Schema reader, byte[] data, int offset, DecoderFactory factory) {
    Decoder d = factory.over(data, offset, data.length - offset);
    try {
      Object value = new SpecificDatumReader<>(writer, reader).read(null, d);
      boolean end = d instanceof BoundedDecoder b ? b.isEnd() : ((StreamBoundedDecoder) d).isEnd();
      return value + (end ? " (at the end)" : " (bytes left)");
    } catch (IOException | RuntimeException e) {
      // The JVM's own exceptions (an array index, a null) lose their message once HotSpot compiles the throwing code
      // (OmitStackTraceInFastThrow), so for them only the class is compared.
      return JVM_IMPLICIT.contains(e.getClass()) ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static final Set<Class<?>> JVM_IMPLICIT = Set.of(ArrayIndexOutOfBoundsException.class,
      NullPointerException.class, ClassCastException.class, ArithmeticException.class, NegativeArraySizeException.class,
      ArrayStoreException.class);

  private static void assertSame(Schema schema, byte[] data, int offset) {
    assertThat(outcome(schema, data, offset, BoundedDecoder::new))
        .as("%s at %d: %s", schema.getName(), offset, Arrays.toString(data))
        .isEqualTo(outcome(schema, data, offset, StreamBoundedDecoder::new));
  }

  private static void assertSame(Schema writer, Schema reader, byte[] data) {
    assertThat(outcome(writer, reader, data, 0, BoundedDecoder::new))
        .as("%s from %s: %s", reader.getName(), writer.getName(), Arrays.toString(data))
        .isEqualTo(outcome(writer, reader, data, 0, StreamBoundedDecoder::new));
  }

  /** Fields of every type, which a reader that lacks them skips. */
  private static final Schema EXTRAS = new Schema.Parser().parse("""
      {"type": "record", "name": "Extras", "fields": [
        {"name": "xs", "type": "string"}, {"name": "xb", "type": "bytes"},
        {"name": "xf", "type": {"type": "fixed", "name": "Four", "size": 4}},
        {"name": "xa", "type": {"type": "array", "items": "long"}},
        {"name": "xm", "type": {"type": "map", "values": "string"}},
        {"name": "xi", "type": "int"}, {"name": "xl", "type": "long"}, {"name": "xfl", "type": "float"},
        {"name": "xd", "type": "double"}, {"name": "xbo", "type": "boolean"},
        {"name": "xu", "type": ["null", "string"]}, {"name": "xe", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
        {"name": "xr", "type": {"type": "record", "name": "Inner", "fields": [
          {"name": "y", "type": {"type": "array", "items": "string"}}]}}]}""");

  /** A writer schema with the extras before and after the reader's fields (the extras' names made unique). */
  private static Schema writerWithExtras(Schema reader) {
    List<Schema.Field> fields = new ArrayList<>();
    for (String where : List.of("before", "after")) {
      if (where.equals("after")) {
        for (Schema.Field f : reader.getFields()) {
          fields.add(new Schema.Field(f, f.schema()));
        }
      }
      for (Schema.Field f : EXTRAS.getFields()) {
        fields.add(new Schema.Field(f.name() + where, f.schema(), null, (Object) null));
      }
    }
    return Schema.createRecord(reader.getName(), null, reader.getNamespace(), false, fields);
  }

  private static byte[] extras(Random r) throws IOException {
    org.apache.avro.generic.GenericRecord x = new org.apache.avro.generic.GenericData.Record(EXTRAS);
    x.put("xs", "s".repeat(r.nextInt(200)));
    x.put("xb", java.nio.ByteBuffer.wrap(new byte[r.nextInt(300)]));
    x.put("xf", new org.apache.avro.generic.GenericData.Fixed(EXTRAS.getField("xf").schema(), new byte[] {1, 2, 3, 4}));
    List<Long> longs = new ArrayList<>();
    for (int i = r.nextInt(70); i > 0; i--) {
      longs.add(r.nextLong());
    }
    x.put("xa", longs);
    java.util.Map<String, String> map = new java.util.HashMap<>();
    for (int i = r.nextInt(5); i > 0; i--) {
      map.put("k" + i, "v".repeat(i));
    }
    x.put("xm", map);
    x.put("xi", r.nextInt());
    x.put("xl", r.nextLong());
    x.put("xfl", r.nextFloat());
    x.put("xd", r.nextDouble());
    x.put("xbo", r.nextBoolean());
    x.put("xu", r.nextBoolean() ? null : "u");
    x.put("xe", new org.apache.avro.generic.GenericData.EnumSymbol(EXTRAS.getField("xe").schema(), "B"));
    org.apache.avro.generic.GenericRecord inner =
        new org.apache.avro.generic.GenericData.Record(EXTRAS.getField("xr").schema());
    inner.put("y", List.of("a", "bb"));
    x.put("xr", inner);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(EXTRAS).write(x, e);
    e.flush();
    return out.toByteArray();
  }

  /**
   * Records written with fields this reader lacks, of every type (the reader skips them: skipString, skipBytes,
   * skipFixed, skipArray, skipMap), and mutations of them.
   */
  @Test
  void skippedFieldsOfEveryTypeDecodeTheSame() throws Exception {
    Random r = new Random(1218);
    for (Object[] sample : bodies()) {
      Schema reader = (Schema) sample[0];
      Schema writer = writerWithExtras(reader);
      for (int round = 0; round < 20; round++) {
        byte[] body = concat(extras(r), (byte[]) sample[1], extras(r));
        assertThat(outcome(writer, reader, body, 0, BoundedDecoder::new)).endsWith("(at the end)");
        assertSame(writer, reader, body);
        for (int k = 0; k < 30; k++) {
          byte[] m = body.clone();
          m[r.nextInt(m.length)] = REPLACEMENTS[r.nextInt(REPLACEMENTS.length)];
          assertSame(writer, reader, m);
          assertSame(writer, reader, Arrays.copyOf(body, r.nextInt(body.length)));
        }
      }
    }
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The Avro body (no framing) of every sample record of every type, full and minimal. */
  static List<Object[]> bodies() throws Exception {
    AvroSerdes serdes = AvroSerdes.create(SerdeConfig.embedded());
    List<Object[]> out = new ArrayList<>();
    for (List<SpecificRecord> variant : List.of(SampleRecords.full(), SampleRecords.minimal())) {
      for (SpecificRecord r : variant) {
        byte[] framed = serdeOf(serdes, r).serializer().serialize("t", r);
        out.add(new Object[] {r.getSchema(),
            Arrays.copyOfRange(framed, WireFormat.SINGLE_OBJECT_HEADER, framed.length)});
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeOf(AvroSerdes serdes, T record) {
    return serdes.valueSerde((Class<T>) record.getClass());
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void samplesTruncationsAndReplacementsDecodeTheSame(Schema schema, byte[] body) {
    assertThat(outcome(schema, body, 0, BoundedDecoder::new)).endsWith("(at the end)");
    assertSame(schema, body, 0);
    for (int n = 0; n < body.length; n++) {
      assertSame(schema, Arrays.copyOf(body, n), 0);
    }
    for (int i = 0; i < body.length; i++) {
      for (byte x : REPLACEMENTS) {
        byte[] m = body.clone();
        m[i] = x;
        assertSame(schema, m, 0);
      }
    }
    byte[] longer = Arrays.copyOf(body, body.length + 3);
    assertSame(schema, longer, 0);
    assertSame(schema, longer, 3); // an offset into a larger array
  }

  @Test
  void randomInsertionsAndDeletionsDecodeTheSame() throws Exception {
    Random r = new Random(18);
    List<Object[]> bodies = bodies();
    for (int i = 0; i < 20_000; i++) {
      Object[] pick = bodies.get(r.nextInt(bodies.size()));
      byte[] body = (byte[]) pick[1];
      int at = r.nextInt(body.length + 1);
      int k = 1 + r.nextInt(4);
      byte[] m;
      if (r.nextBoolean()) {
        m = new byte[body.length + k];
        System.arraycopy(body, 0, m, 0, at);
        for (int j = 0; j < k; j++) {
          m[at + j] = (byte) r.nextInt(256);
        }
        System.arraycopy(body, at, m, at + k, body.length - at);
      } else {
        int cut = Math.min(k, body.length - at);
        m = new byte[body.length - cut];
        System.arraycopy(body, 0, m, 0, at);
        System.arraycopy(body, at + cut, m, at, body.length - at - cut);
      }
      assertSame((Schema) pick[0], m, 0);
    }
  }

  static Stream<Path> corpus() throws Exception {
    Path dir = Path.of(BoundedDecoderDifferentialTest.class.getResource("SerdeFuzzTestInputs/deserialize").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList().stream();
    }
  }

  /** The fuzz target's saved inputs: the first byte picks the type, the body follows a single-object header. */
  @ParameterizedTest
  @MethodSource("corpus")
  void fuzzCorpusDecodesTheSame(Path file) throws Exception {
    byte[] input;
    try {
      input = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (input.length == 0) {
      return;
    }
    List<SpecificRecord> samples = SampleRecords.full();
    Schema schema = samples.get((input[0] & 0xff) % samples.size()).getSchema();
    int offset = Math.min(input.length, 1 + WireFormat.SINGLE_OBJECT_HEADER);
    assertSame(schema, input, offset);
  }
}
