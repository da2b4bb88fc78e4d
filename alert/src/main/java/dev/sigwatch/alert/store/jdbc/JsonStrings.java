package dev.sigwatch.alert.store.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the store's own JSON columns — a list of strings ({@code ["a","b"]}) or a string map ({@code {"k":"v"}}), as
 * {@link Rows} writes them with Jackson: compact, no whitespace — without a JSON parser. A replay decodes four such
 * columns per event, and Jackson's per-call set-up (a parser, a type lookup, a deserializer) was half of reading a
 * row. Anything this reader does not know (whitespace, numbers, null, a bad escape) gives {@code null}, and the
 * caller falls back to Jackson, so a value written by another tool still reads, only slower. Stateless.
 */
final class JsonStrings {
  private final String s;
  private int pos;

  private JsonStrings(String s) {
    this.s = s;
  }

  /** The strings of a compact JSON array of strings, or null if {@code json} is not one. */
  static List<String> list(String json) {
    int n = json.length();
    if (n < 2 || json.charAt(0) != '[' || json.charAt(n - 1) != ']') return null;
    if (n == 2) return new ArrayList<>(0);
    JsonStrings r = new JsonStrings(json);
    r.pos = 1;
    List<String> out = new ArrayList<>(2);
    while (true) {
      String v = r.string();
      if (v == null || r.pos >= n) return null;
      out.add(v);
      char c = json.charAt(r.pos++);
      if (c == ']') return r.pos == n ? out : null;
      if (c != ',') return null;
    }
  }

  /** The entries of a compact JSON object of string values, in their order, or null if {@code json} is not one. */
  static Map<String, String> map(String json) {
    int n = json.length();
    if (n < 2 || json.charAt(0) != '{' || json.charAt(n - 1) != '}') return null;
    Map<String, String> out = new LinkedHashMap<>();
    if (n == 2) return out;
    JsonStrings r = new JsonStrings(json);
    r.pos = 1;
    while (true) {
      String k = r.string();
      if (k == null || r.pos >= n || json.charAt(r.pos++) != ':') return null;
      String v = r.string();
      if (v == null || r.pos >= n) return null;
      out.put(k, v);
      char c = json.charAt(r.pos++);
      if (c == '}') return r.pos == n ? out : null;
      if (c != ',') return null;
    }
  }

  /** The string starting at {@code pos} (its opening quote), pos left after its closing quote; null if none. */
  private String string() {
    int n = s.length();
    if (pos >= n || s.charAt(pos) != '"') return null;
    int start = pos + 1;
    int i = start;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        pos = i + 1;
        return s.substring(start, i);
      }
      if (c == '\\') return escaped(start, i);
      if (c < 0x20) return null; // JSON forbids raw control characters
      i++;
    }
    return null;
  }

  /** The rest of a string that holds an escape at {@code i}: the slow path. */
  private String escaped(int start, int i) {
    int n = s.length();
    StringBuilder b = new StringBuilder(i - start + 16).append(s, start, i);
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        pos = i + 1;
        return b.toString();
      }
      if (c < 0x20) return null;
      if (c != '\\') {
        b.append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) return null;
      char e = s.charAt(i + 1);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 6 > n) return null;
          int cp = 0;
          for (int k = i + 2; k < i + 6; k++) {
            char h = s.charAt(k);
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1; // ASCII only: Character.digit takes other scripts' digits
            if (d < 0) return null;
            cp = cp * 16 + d;
          }
          b.append((char) cp);
          i += 4;
        }
        default -> {
          return null;
        }
      }
      i += 2;
    }
    return null;
  }
}
