package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Issue 18: a length or count in a record never makes the decoder allocate more than the record holds. */
class BoundedDecoderTest {
  private static final AvroSerdes SERDES = AvroSerdes.create(SerdeConfig.embedded());
  /** Zig-zag varint of 2^30 (Avro itself refuses counts above 2^31 - 9, but only after allocating for smaller). */
  private static final byte[] TWO_POW_30 = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
  /** Zig-zag varint of 2^31 - 1. */
  private static final byte[] MAX_INT = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @Test
  void fifteenBytesClaimingA2GibStringAreRejectedWithoutAllocating() {
    AvroSerde<RekorEntry> serde = SERDES.valueSerde(RekorEntry.class);
    RekorEntry sample = RekorEntry.newBuilder().setLogId("l").setLogType(LogType.REKOR_V1).setLeafIndex(0)
        .setLogIndex(0).setBody(ByteBuffer.wrap(new byte[0])).setObservedAtMillis(0).build();
    byte[] header = Arrays.copyOf(serde.serializer().serialize("t", sample), 10); // C3 01 + schema fingerprint
    byte[] record = new byte[15];
    System.arraycopy(header, 0, record, 0, 10);
    System.arraycopy(MAX_INT, 0, record, 10, 5); // logId, the first field: a string of 2^31 - 1 bytes
    serde.deserializer().deserialize("t", serde.serializer().serialize("t", sample)); // warm up: readers cached

    long before = allocatedBytes();
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", record))
        .isInstanceOf(SerializationException.class)
        .hasMessage("decoding dev.sigwatch.schemas.RekorEntry from topic t: truncated body: the 5 bytes after the "
            + "header end inside the record (string of 2147483647 bytes, but only 0 bytes left)");
    assertThat(allocatedBytes() - before).as("bytes allocated while rejecting").isLessThan(1 << 20);
  }

  @Test
  @SuppressWarnings("unchecked")
  void arrayAndMapCountsAreBoundedByTheBytesLeft() throws IOException {
    Schema array = new Schema.Parser().parse("{\"type\":\"array\",\"items\":\"long\"}");
    long before = allocatedBytes();
    assertThatThrownBy(() -> new GenericDatumReader<>(array).read(null, new BoundedDecoder(TWO_POW_30, 0, 5)))
        .isInstanceOf(IOException.class)
        .hasMessage("array block of 1073741824 items, but only 0 bytes left");
    Schema map = new Schema.Parser().parse("{\"type\":\"map\",\"values\":\"long\"}");
    assertThatThrownBy(() -> new GenericDatumReader<>(map).read(null, new BoundedDecoder(TWO_POW_30, 0, 5)))
        .hasMessage("map block of 1073741824 items, but only 0 bytes left");
    assertThat(allocatedBytes() - before).isLessThan(1 << 20);

    byte[] two = {0x04, 0x02, 0x04, 0x00}; // [1, 2]
    assertThat((List<Object>) new GenericDatumReader<Object>(array).read(null, new BoundedDecoder(two, 0, 4)))
        .containsExactly(1L, 2L);
  }

  @Test
  void bytesLongerThanTheRecordAreRejected() {
    Schema bytes = new Schema.Parser().parse("\"bytes\"");
    byte[] claim = {0x0a, 1, 2}; // 5 bytes claimed, 2 present
    assertThatThrownBy(() -> new GenericDatumReader<>(bytes).read(null, new BoundedDecoder(claim, 0, 3)))
        .hasMessage("bytes of 5 bytes, but only 2 bytes left");
  }
}
