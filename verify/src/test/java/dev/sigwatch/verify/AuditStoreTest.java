package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.LogEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's live state reaches its changelog at every commit (not only at close), and buffered leaves spanning
 * several chunks survive restarts, partially drained or not. (TopologyTestDriver wipes its state dir on close, so
 * restarts are shown here on the store itself and on the broker in VerifyServiceIT.)
 */
class AuditStoreTest {

  static final long T = Harness.T0.toEpochMilli();
  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.store", 3131).grow(3000);

  VerifySettings settings() throws Exception {
    return new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry("2025-01-01T00:00:00Z", null))),
        null, Duration.ofMinutes(30), null, "t");
  }

  /** The latest changelog value per key, read while the driver is still running. */
  static Map<String, byte[]> changelog(Harness h) {
    Map<String, byte[]> latest = new HashMap<>();
    var out = h.driver.createOutputTopic("t-" + VerifyTopology.AUDIT_STATE_STORE + "-changelog",
        new StringDeserializer(), new ByteArrayDeserializer());
    for (TestRecord<String, byte[]> r : out.readRecordsToList()) latest.put(r.key(), r.value());
    return latest;
  }

  @Test
  void everyCommitWritesTheStateAndTheChangedChunks() throws Exception {
    try (Harness h = new Harness(settings(), stateDir)) {
      h.checkpoint(v1.checkpoint(100, T));
      h.entries(v1, 0, 2600); // 100 audited, [100, 2600) buffered: chunks 0, 1, 2
      Map<String, byte[]> log = changelog(h);
      AuditState s = AuditState.serde().deserializer().deserialize(null, log.get("s" + v1.logId));
      assertThat(s.nextIndex).isEqualTo(2600);
      assertThat(s.range.size()).isEqualTo(100);
      assertThat(log.get(AuditStore.chunkKey(v1.logId, 0))).hasSize(8 + 32 * (1024 - 100));
      assertThat(log.get(AuditStore.chunkKey(v1.logId, 1))).hasSize(8 + 32 * 1024);
      assertThat(log.get(AuditStore.chunkKey(v1.logId, 2))).hasSize(8 + 32 * (2600 - 2048));

      h.checkpoint(v1.checkpoint(1500, T + 1)); // drains chunk 0 entirely and chunk 1 partly
      log = changelog(h);
      assertThat(log).containsEntry(AuditStore.chunkKey(v1.logId, 0), null);
      assertThat(log.get(AuditStore.chunkKey(v1.logId, 1))).hasSize(8 + 32 * (2048 - 1500));
      assertThat(h.events("AUDITED")).extracting(LogEvent::getTreeSize).containsExactly(100L, 1500L);
    }
  }

  /** A store over a plain in-memory store, as a restarted task sees the restored changelog. */
  static AuditStore open(KeyValueStore<String, byte[]> inner) {
    AuditStore store = new AuditStore(inner);
    MockProcessorContext<String, VerifyOutput> ctx = new MockProcessorContext<>();
    store.init(ctx.getStateStoreContext(), store);
    return store;
  }

  static byte[] leaf(long i) {
    return Rfc6962.leafHash(Long.toString(i).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bufferedLeavesAcrossChunksSurviveRestartsDrainedOrNot() throws Exception {
    KeyValueStore<String, byte[]> inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("audit"),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
    AuditStore store = open(inner);
    AuditState s = store.get("log");
    s.range = CompactRange.empty();
    for (long i = 0; i < 100; i++) s.range.append(leaf(i));
    s.buffer.reset(100);
    for (long i = 100; i < 2600; i++) s.buffer.add(leaf(i));
    s.nextIndex = 2600;
    store.markDirty("log");
    store.flushCache();

    AuditState restored = open(inner).get("log");
    assertThat(restored.range.root()).isEqualTo(s.range.root());
    assertThat(restored.buffer.start()).isEqualTo(100);
    assertThat(restored.buffer.end()).isEqualTo(2600);
    for (long i = 100; i < 2600; i++) assertThat(restored.buffer.get(i)).as("leaf %d", i).isEqualTo(leaf(i));

    store = open(inner); // drain to 1500 and buffer up to 3100, then restart again
    s = store.get("log");
    while (s.range.size() < 1500) s.range.append(s.buffer.poll());
    for (long i = 2600; i < 3100; i++) s.buffer.add(leaf(i));
    s.nextIndex = 3100;
    store.markDirty("log");
    store.flushCache();
    assertThat(inner.get(AuditStore.chunkKey("log", 0))).isNull();

    restored = open(inner).get("log");
    assertThat(restored.range.size()).isEqualTo(1500);
    assertThat(restored.buffer.start()).isEqualTo(1500);
    assertThat(restored.buffer.end()).isEqualTo(3100);
    for (long i = 1500; i < 3100; i++) assertThat(restored.buffer.get(i)).as("leaf %d", i).isEqualTo(leaf(i));
  }

  @Test
  void aMissingChunkIsABrokenInvariantNotASilentGap() throws Exception {
    KeyValueStore<String, byte[]> inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("audit"),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
    AuditStore store = open(inner);
    AuditState s = store.get("log");
    s.range = CompactRange.empty();
    for (long i = 0; i < 3000; i++) s.buffer.add(leaf(i));
    s.nextIndex = 3000;
    store.markDirty("log");
    store.flushCache();
    inner.delete(AuditStore.chunkKey("log", 1));
    assertThatThrownBy(() -> open(inner).get("log")).isInstanceOf(IllegalStateException.class)
        .hasMessage("log: audit buffer chunk 1 is missing");
  }

  @Test
  void heldLeavesOfAnUnanchoredAuditAndTheAnchorsProofSurviveRestarts() throws Exception {
    KeyValueStore<String, byte[]> inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("audit"),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
    AuditStore store = open(inner);
    AuditState s = store.get("log");
    s.buffer.reset(1500); // unanchored: entries [1500, 2600) held until an anchor among them arrives
    for (long i = 1500; i < 2600; i++) s.buffer.add(leaf(i));
    s.nextIndex = 2600;
    List<byte[]> frontier = List.of(leaf(1), leaf(2));
    s.addPending(new AuditState.Pending(3, leaf(3), "note".getBytes(StandardCharsets.UTF_8), 7, frontier));
    store.markDirty("log");
    store.flushCache();

    AuditState restored = open(inner).get("log");
    assertThat(restored.anchored()).isFalse();
    assertThat(restored.buffer.start()).isEqualTo(1500);
    assertThat(restored.buffer.end()).isEqualTo(2600);
    for (long i = 1500; i < 2600; i++) assertThat(restored.buffer.get(i)).as("leaf %d", i).isEqualTo(leaf(i));
    assertThat(restored.pending.get(3L).frontier()).containsExactlyElementsOf(frontier);

    store = open(inner); // anchored from an inclusion proof not yet proven
    s = store.get("log");
    s.range = CompactRange.fromFrontier(1500, frontierOf(1500));
    s.claimSize = 4000;
    s.claimRoot = leaf(4000);
    store.markDirty("log");
    store.flushCache();
    restored = open(inner).get("log");
    assertThat(restored.proven).isFalse();
    assertThat(restored.claimSize).isEqualTo(4000);
    assertThat(restored.claimRoot).isEqualTo(leaf(4000));
    assertThat(restored.range.root()).isEqualTo(s.range.root());
  }

  static List<byte[]> frontierOf(long size) {
    CompactRange r = CompactRange.empty();
    for (long i = 0; i < size; i++) r.append(leaf(i));
    return r.frontier();
  }

  @Test
  void aStateOfTheFirstLayoutIsStillRead() throws Exception {
    // Version 1: nextIndex, auditedSize, unanchoredReported, range, pending (no buffer start, proof, frontiers).
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    out.writeByte(1);
    out.writeLong(300);
    out.writeLong(200);
    out.writeBoolean(false);
    out.writeBoolean(true);
    out.writeLong(300);
    for (byte[] h : frontierOf(300)) out.write(h);
    out.writeInt(1);
    out.writeLong(400);
    out.write(leaf(400));
    out.writeInt(4);
    out.write("note".getBytes(StandardCharsets.UTF_8));
    out.writeLong(9);
    AuditState s = AuditState.serde().deserializer().deserialize(null, bytes.toByteArray());
    assertThat(s.nextIndex).isEqualTo(300);
    assertThat(s.auditedSize).isEqualTo(200);
    assertThat(s.range.size()).isEqualTo(300);
    assertThat(s.buffer.start()).isEqualTo(300);
    assertThat(s.proven).as("an anchored state of the old layout keeps the old rule").isTrue();
    assertThat(s.claimSize).isEqualTo(-1);
    assertThat(s.pending.get(400L).frontier()).isEmpty();
    assertThat(s.pending.get(400L).observedAtMillis()).isEqualTo(9);
  }
}
