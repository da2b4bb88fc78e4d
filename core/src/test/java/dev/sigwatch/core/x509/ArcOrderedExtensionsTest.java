package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link ArcOrderedExtensions} behaves as the {@code TreeMap} ordered by arc number it replaced. */
class ArcOrderedExtensionsTest {
  private static FulcioExtension ext(int arc) {
    return new FulcioExtension(FulcioOids.ARC + arc, FulcioOids.name(FulcioOids.ARC + arc), "v" + arc);
  }

  private static Map<String, FulcioExtension> treeMap(Map<String, FulcioExtension> m) {
    TreeMap<String, FulcioExtension> t = new TreeMap<>(ArcOrderedExtensions.ARC_ORDER);
    t.putAll(m);
    return Collections.unmodifiableSortedMap(t);
  }

  @Test
  void randomSetsOfArcsIterateLookUpAndCompareAsTheTreeMap() {
    Random r = new Random(57264);
    for (int round = 0; round < 500; round++) {
      List<FulcioExtension> list = new ArrayList<>();
      Map<String, FulcioExtension> m = new HashMap<>();
      for (int i = r.nextInt(30); i > 0; i--) {
        FulcioExtension e = ext(1 + r.nextInt(100));
        if (m.putIfAbsent(e.oid(), e) == null) {
          list.add(e);
        }
      }
      Collections.shuffle(list, r);
      Map<String, FulcioExtension> want = treeMap(m);
      for (Map<String, FulcioExtension> got : List.of(ArcOrderedExtensions.of(m),
          ArcOrderedExtensions.ofDistinct(list.toArray(new FulcioExtension[0]), list.size()))) {
        assertThat(new ArrayList<>(got.entrySet())).isEqualTo(new ArrayList<>(want.entrySet()));
        assertThat(got).isEqualTo(want).hasSameHashCodeAs(want).hasToString(want.toString());
        for (int arc = 0; arc <= 101; arc++) {
          for (String key : List.of(FulcioOids.ARC + arc, FulcioOids.ARC + "0" + arc, "2.5.29." + arc)) {
            assertThat(got.get(key)).as(key).isEqualTo(want.get(key));
            assertThat(got.containsKey(key)).as(key).isEqualTo(want.containsKey(key));
          }
        }
      }
    }
  }

  @Test
  void keysThatAreNotFulcioArcsAreKeptAsTheTreeMapKeepsThem() {
    Map<String, FulcioExtension> m = new HashMap<>();
    m.put("not-an-oid", ext(8));
    m.put(FulcioOids.ARC + "9", ext(9));
    Map<String, FulcioExtension> got = ArcOrderedExtensions.of(m);
    Map<String, FulcioExtension> want = treeMap(m);
    assertThat(new ArrayList<>(got.keySet())).isEqualTo(new ArrayList<>(want.keySet()));
    assertThat(got.get("also-not-an-oid")).isEqualTo(want.get("also-not-an-oid")).isNotNull();
  }

  @Test
  void oddKeysFailAsTheTreeMapFails() {
    Map<String, FulcioExtension> empty = ArcOrderedExtensions.of(Map.of());
    assertThat(empty.get(null)).isNull(); // an empty TreeMap compares nothing
    assertThat(treeMap(Map.of()).get(null)).isNull();
    Map<String, FulcioExtension> one = ArcOrderedExtensions.of(Map.of(FulcioOids.ISSUER_V2, ext(8)));
    assertThatThrownBy(() -> one.get(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> one.get(8)).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> treeMap(Map.of(FulcioOids.ISSUER_V2, ext(8))).get(8))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void isImmutable() {
    Map<String, FulcioExtension> m = ArcOrderedExtensions.of(Map.of(FulcioOids.ISSUER_V2, ext(8)));
    assertThatThrownBy(() -> m.put(FulcioOids.ISSUER_V1, ext(1))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.entrySet().iterator().next().setValue(ext(8)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void twoExtensionsOfOneArcAreABrokenInvariant() {
    FulcioExtension[] twice = {ext(8), ext(8)};
    assertThatThrownBy(() -> ArcOrderedExtensions.ofDistinct(twice, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two extensions with arc 8");
  }
}
