package dev.sigwatch.simulator.rekorv1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.simulator.crypto.SimKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed layout gives back exactly what the list layout does, prefixes included, and refuses what cannot fit. */
class EntryStoreTest {
  private static final BodyTemplate A = BodyTemplate.of("a", "{\"a\":\"", "\"}");
  private static final BodyTemplate B = BodyTemplate.base64("b", "{\"b\":\"", "\"}");

  private static V1Shard.Entry entry(int i) {
    byte[] digest = SimKey.sha256(("e" + i).getBytes(StandardCharsets.UTF_8));
    byte[] set = new byte[i % 73]; // 0..72 bytes: every SET length a DER ECDSA signature can have
    for (int j = 0; j < set.length; j++) set[j] = (byte) (i * 31 + j);
    return new V1Shard.Entry(i % 3 == 0 ? B : A, digest, 1_700_000_000L + i * 7L, set);
  }

  @Test
  void packedEntriesReadBackAsTheyWereAddedAcrossChunks() {
    EntryStore list = EntryStore.list();
    EntryStore packed = EntryStore.packed(EntryStore.ECDSA_P256_DER_MAX);
    int n = 2_500; // over two chunks of 1024
    for (int i = 0; i < n; i++) {
      list.add(entry(i));
      packed.add(entry(i));
    }
    assertThat(packed.size()).isEqualTo(list.size()).isEqualTo(n);
    for (long i : List.of(0L, 1L, 1023L, 1024L, 2047L, 2048L, 2499L)) {
      V1Shard.Entry want = list.get(i);
      V1Shard.Entry got = packed.get(i);
      assertThat(got.template()).isSameAs(want.template());
      assertThat(got.digest()).isEqualTo(want.digest());
      assertThat(got.integratedTime()).isEqualTo(want.integratedTime());
      assertThat(got.set()).isEqualTo(want.set());
      assertThat(got.body()).isEqualTo(want.body());
    }
    EntryStore prefix = packed.prefix(1500);
    assertThat(prefix.size()).isEqualTo(1500);
    assertThat(prefix.get(1499).digest()).isEqualTo(list.get(1499).digest());
    prefix.add(entry(9999));
    assertThat(packed.size()).as("a prefix is a copy").isEqualTo(n);
  }

  @Test
  void packedRefusesWhatItCannotHold() {
    EntryStore noSet = EntryStore.packed(0);
    assertThatThrownBy(() -> noSet.add(entry(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SET must be <= 0 bytes, was 5");
    assertThatThrownBy(() -> noSet.get(0)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("no entry 0 in a store of 0");
  }
}
