package dev.sigwatch.alert.api;

/** Files served outside {@code /api/} (the web page). Thread-safe. */
public interface StaticContent {
  /** A file: its bytes and media type. */
  record Asset(byte[] bytes, String contentType) {}

  /** The file at a decoded request path such as {@code /} or {@code /app.js}, or null when there is none. */
  Asset find(String path);

  /** Serves nothing. */
  StaticContent NONE = path -> null;
}
