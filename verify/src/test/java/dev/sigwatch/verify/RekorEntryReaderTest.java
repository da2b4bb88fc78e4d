package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The in-place reader against the general Avro deserializer, on every optional-field shape and on mutations. */
class RekorEntryReaderTest {

  static final Topics TOPICS = Topics.create(SerdeConfig.embedded());
  final RekorEntryReader reader = new RekorEntryReader(TOPICS.rekorEntries().valueSerde().deserializer());
  static final TestLog LOG = TestLog.rekorV1("rekor.reader", 77).grow(3);

  static Stream<RekorEntry> entries() {
    byte[] json = "{\"x\":{\"body\":\"e30=\",\"verification\":{}}}".getBytes(StandardCharsets.UTF_8);
    byte[] cut = "{\"x\":{\"body\":\"\",\"verification\":{}}}".getBytes(StandardCharsets.UTF_8);
    int cutAt = "{\"x\":{\"body\":\"".length();
    return Stream.of(
        LOG.entry(0, 5),
        LOG.entry(1, LOG.bodies.get(1), json, 1_700_000_000_000L),
        RekorEntry.newBuilder(LOG.entry(2, LOG.bodies.get(2), json, 9)).setTreeId("1234").setUuid("abcd")
            .setIntegratedTime(1_700_000_000L).setLogIndex(987_654_321L).build(),
        RekorEntry.newBuilder(LOG.entry(1L << 40, new byte[0], null, 1)).build(),
        // as ingest publishes a served entry: raw without the body's text, which goes back at rawBodyAt
        RekorEntry.newBuilder(LOG.entry(1, LOG.bodies.get(1), cut, 3)).setRawBodyAt(cutAt).build());
  }

  byte[] encode(RekorEntry e) {
    return TOPICS.rekorEntries().valueSerde().serializer().serialize("t", e);
  }

  @ParameterizedTest
  @MethodSource("entries")
  void readsWhatTheAvroDecoderReads(RekorEntry e) {
    AuditInput.Entry got = (AuditInput.Entry) reader.deserialize("t", encode(e));
    RekorEntry want = TOPICS.rekorEntries().valueSerde().deserializer().deserialize("t", encode(e));
    assertThat(got.logId()).isEqualTo(want.getLogId().toString());
    assertThat(got.index()).isEqualTo(want.getLeafIndex());
    assertThat(got.observedAtMillis()).isEqualTo(want.getObservedAtMillis());
    byte[] body = new byte[want.getBody().remaining()];
    want.getBody().duplicate().get(body);
    assertThat(got.leafHash()).isEqualTo(Rfc6962.leafHash(body));
    if (want.getRaw() == null) {
      assertThat(got.raw()).isNull();
    } else {
      assertThat(got.raw()).isEqualTo(want.getRaw());
    }
  }

  @Test
  void negativeIndexIsRejectedNotThrown() {
    AuditInput in = reader.deserialize("t", encode(RekorEntry.newBuilder(LOG.entry(0, 1)).setLeafIndex(-3).build()));
    assertThat(in).isEqualTo(new AuditInput.Bad(LOG.logId, "negative leafIndex -3"));
  }

  @Test
  void truncatedAndPaddedRecordsFailWithTheOffset() {
    byte[] good = encode(LOG.entry(1, 5));
    assertThatThrownBy(() -> reader.deserialize("t", Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated at byte");
    assertThatThrownBy(() -> reader.deserialize("t", Arrays.copyOf(good, good.length - 40)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the");
    assertThatThrownBy(() -> reader.deserialize("t", Arrays.copyOf(good, good.length + 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("RekorEntry has 2 trailing bytes after its last field");
  }

  @Test
  void anotherSchemaFingerprintGoesThroughTheGeneralDecoder() {
    byte[] other = encode(LOG.entry(1, 5));
    other[2] ^= 1; // another writer schema: the fast path must not read it
    AuditInput.Entry viaFallback = (AuditInput.Entry) new RekorEntryReader(
        (topic, data) -> LOG.entry(2, 0)).deserialize("t", other);
    assertThat(viaFallback.index()).isEqualTo(2);
  }
}
