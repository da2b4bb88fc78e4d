package dev.sigwatch.alert.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's JSON column reader against Jackson: whatever Jackson writes (every character that needs an escape,
 * surrogate pairs, the empty string) reads back to the same value; what it does not know it refuses (null), so
 * {@link Rows} falls back to Jackson, and the value read is still Jackson's.
 */
class JsonStringsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Characters that exercise each path: quotes, backslash, slash, control characters, non-ASCII, a surrogate pair. */
  static final String ALPHABET = "aZ09:/.@-_ \"\\\u0000\u0001\b\f\n\r\t\u001f\u007f\u00e9\u2028\u4e2d\ud83d\ude00{}[],";

  static String random(Random r) {
    StringBuilder b = new StringBuilder();
    int len = r.nextInt(12);
    for (int i = 0; i < len; i++) {
      int at = r.nextInt(ALPHABET.length());
      char c = ALPHABET.charAt(at);
      if (Character.isHighSurrogate(c)) b.append(c).append(ALPHABET.charAt(at + 1));
      else if (!Character.isLowSurrogate(c)) b.append(c);
    }
    return b.toString();
  }

  @Test
  void readsBackWhatJacksonWroteForRandomListsAndMaps() throws Exception {
    Random r = new Random(20261205);
    for (int round = 0; round < 5_000; round++) {
      List<String> list = new ArrayList<>();
      Map<String, String> map = new LinkedHashMap<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        list.add(random(r));
        map.put(random(r), random(r));
      }
      String listJson = JSON.writeValueAsString(list);
      String mapJson = JSON.writeValueAsString(map);
      assertThat(JsonStrings.list(listJson)).as(listJson).isEqualTo(list);
      assertThat(JsonStrings.map(mapJson)).as(mapJson).containsExactlyEntriesOf(map);
      assertThat(Rows.list(listJson)).isEqualTo(list);
      assertThat(Rows.map(mapJson)).isEqualTo(map);
    }
  }

  @Test
  void readsEscapesJacksonMayNotWriteButJsonAllows() {
    assertThat(JsonStrings.list("[\"a\\/b\",\"\\u00E9\\u00e9\",\"\\ud83d\\ude00\"]"))
        .containsExactly("a/b", "éé", "\ud83d\ude00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[ \"a\"]", "[\"a\" ]", "[\"a\",]", "[\"a\"", "[\"a\"]x", "[1]", "[null]", "[\"a\\x\"]",
      "[\"a\\u00g0\"]", "[\"a\\u0\"]", "[\"\u0001\"]", "[\"a\"]]", "{\"a\":1}", "{\"a\" :\"b\"}", "{\"a\"}",
      "{\"a\":\"b\",}", "x", "", "[", "\"a\"", "[\"\\u\u0663\u0663\u0663\u0663\"]"})
  void refusesWhatItDoesNotKnowSoTheCallerFallsBackToJackson(String json) {
    if (json.startsWith("{")) assertThat(JsonStrings.map(json)).isNull();
    else assertThat(JsonStrings.list(json)).isNull();
  }

  @Test
  void theFallbackReadsValidJsonTheFastPathRefuses() throws Exception {
    String spaced = "[ \"a\" , \"b\" ]";
    assertThat(JsonStrings.list(spaced)).isNull();
    assertThat(Rows.list(spaced)).isEqualTo(JSON.readValue(spaced, new TypeReference<List<String>>() {}));
    assertThat(Rows.map("{ \"k\" : \"v\" }")).containsExactly(Map.entry("k", "v"));
  }
}
