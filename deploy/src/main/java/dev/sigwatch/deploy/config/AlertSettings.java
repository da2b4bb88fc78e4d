package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * {@code alerts:} — where alerts go besides the {@code sigwatch.alerts} topic.
 *
 * @param file append alerts as JSON lines to this file; null = print them to stdout
 */
public record AlertSettings(@JsonProperty("file") Path file) {
  static final AlertSettings DEFAULT = new AlertSettings(null);
}
