package dev.sigwatch.schemas.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.RejectedRecord;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RejectedRecordsTest {

  private final RejectedRecords rejected = new RejectedRecords(Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC));

  @Test
  void copiesWhereItCameFromAndTheBytesExactly() {
    byte[] value = {(byte) 0xC3, 1, 2};
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("sigwatch.rekor.entries", 2, 99L, new byte[] {'k'}, value);
    RejectedRecord r = rejected.of("match", record, new SerializationException("unknown magic byte 0x7b"));
    value[2] = 9; // the rejected record keeps the bytes as received, not a view of the caller's array
    assertThat(r.getSource()).isEqualTo("match");
    assertThat(r.getReason()).isEqualTo("SerializationException: unknown magic byte 0x7b");
    assertThat(r.getTopic()).isEqualTo("sigwatch.rekor.entries");
    assertThat(r.getPartition()).isEqualTo(2);
    assertThat(r.getOffset()).isEqualTo(99L);
    assertThat(r.getKey()).isEqualTo(ByteBuffer.wrap(new byte[] {'k'}));
    assertThat(r.getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 1, 2}));
    assertThat(r.getRejectedAtMillis()).isEqualTo(1234L);
  }

  @Test
  void reasonChainsDistinctCauses() {
    Exception e = new SerializationException("decoding X: malformed body", new EOFException());
    assertThat(RejectedRecords.reason(e)).isEqualTo("SerializationException: decoding X: malformed body; caused by EOFException");
    Exception wrapped = new RuntimeException("outer: inner", new IllegalStateException("inner"));
    assertThat(RejectedRecords.reason(wrapped)).isEqualTo("RuntimeException: outer: inner");
  }

  @Test
  void longReasonsAreCutAndNullsAllowedWhereTheSchemaAllows() {
    RejectedRecord r = rejected.of("ingest:x", "x".repeat(5000), null, null, null, null, null);
    assertThat(r.getReason()).hasSize(RejectedRecords.MAX_REASON_CHARS + 1).endsWith("…");
    assertThat(r.getTopic()).isNull();
    assertThat(r.getValue()).isNull();
    assertThatThrownBy(() -> rejected.of(" ", "r", null, null, null, null, null)).hasMessage("source must be non-blank, was  ");
    assertThatThrownBy(() -> rejected.of("s", "", null, null, null, null, null)).hasMessage("reason must be non-blank, was ");
  }
}
