package dev.sigwatch.alert.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: base64url of the last row's sort key. A cursor we did not issue is a 400, not a 500. */
final class Cursors {
  private Cursors() {}

  /** The key of the last alert on a page: its time and id. */
  record AlertKey(long createdAt, String alertId) {}

  static String alert(long createdAt, String alertId) {
    return encode(createdAt + ":" + alertId);
  }

  static AlertKey alert(String cursor) {
    String s = decode(cursor);
    int i = s.indexOf(':');
    try {
      if (i <= 0 || i == s.length() - 1) throw new NumberFormatException();
      return new AlertKey(Long.parseLong(s.substring(0, i)), s.substring(i + 1));
    } catch (NumberFormatException e) {
      throw bad();
    }
  }

  /** The key of the last identity event on a page of a time-bounded search: its entry time and id. */
  record TimeKey(long entryTime, long id) {}

  static String time(long entryTime, long id) {
    return encode("t" + entryTime + ":" + id);
  }

  static TimeKey time(String cursor) {
    String s = decode(cursor);
    int i = s.indexOf(':');
    try {
      if (!s.startsWith("t") || i < 0) throw new NumberFormatException();
      return new TimeKey(Long.parseLong(s.substring(1, i)), Long.parseLong(s.substring(i + 1)));
    } catch (NumberFormatException e) {
      throw bad();
    }
  }

  static String id(long id) {
    return encode("i" + id);
  }

  static long id(String cursor) {
    String s = decode(cursor);
    try {
      if (!s.startsWith("i")) throw new NumberFormatException();
      return Long.parseLong(s.substring(1));
    } catch (NumberFormatException e) {
      throw bad();
    }
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    if (cursor.length() > 400) throw bad();
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad();
    }
  }

  private static IllegalArgumentException bad() {
    return new IllegalArgumentException("cursor is not one this store issued (pass back a page's nextCursor)");
  }
}
