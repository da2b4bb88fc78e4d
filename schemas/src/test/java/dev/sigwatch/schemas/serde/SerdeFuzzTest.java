package dev.sigwatch.schemas.serde;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.schemas.SampleRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;

/**
 * Jazzer target for the Avro deserializers of every topic's value type. The first byte picks the type, the rest is
 * the record. Any input yields a value or a {@link SerializationException}; with a 1 GiB heap, a length claiming
 * more than the record holds would be an OutOfMemoryError (a finding). Without {@code JAZZER_FUZZ} the saved corpus
 * under {@code src/test/resources/.../SerdeFuzzTestInputs/deserialize} is replayed.
 */
class SerdeFuzzTest {
  private static final AvroSerdes SERDES = AvroSerdes.create(SerdeConfig.embedded());
  private static List<SpecificRecord> samples;

  @BeforeAll
  static void seed() throws Exception {
    samples = SampleRecords.full();
    String fuzz = System.getenv("JAZZER_FUZZ");
    if (fuzz == null || fuzz.isEmpty()) {
      return;
    }
    Path dir = Path.of(".cifuzz-corpus", SerdeFuzzTest.class.getName(), "deserialize");
    Files.createDirectories(dir);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (List<SpecificRecord> variant : List.of(SampleRecords.full(), SampleRecords.minimal())) {
      for (int i = 0; i < variant.size(); i++) {
        byte[] rec = serdeOf(variant.get(i)).serializer().serialize("t", variant.get(i));
        byte[] in = new byte[rec.length + 1];
        in[0] = (byte) i;
        System.arraycopy(rec, 0, in, 1, rec.length);
        try {
          Files.write(dir.resolve("seed-" + HexFormat.of().formatHex(sha.digest(in))), in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> serdeOf(T record) {
    return SERDES.valueSerde((Class<T>) record.getClass());
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void deserialize(byte[] input) {
    if (input.length == 0) {
      return;
    }
    SpecificRecord type = samples.get((input[0] & 0xff) % samples.size());
    try {
      serdeOf(type).deserializer().deserialize("t", java.util.Arrays.copyOfRange(input, 1, input.length));
    } catch (SerializationException expected) {
      // a value or a SerializationException
    }
  }
}
