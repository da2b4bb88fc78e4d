package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code alerts:} — where alerts go besides the {@code sigwatch.alerts} topic.
 *
 * @param file append alerts as JSON lines to this file; null = print them to stdout
 * @param webUrl base URL of sigwatch's web page; sinks that show alerts to people link to {@code <webUrl>/alerts/<id>}
 * @param sinks delivery to people and SIEMs (webhook, slack, email, github, syslog, jsonlines, hook), each a mapping
 *     read by {@link dev.sigwatch.alert.sink.SinkFactory}, which documents the keys and validates them
 */
public record AlertSettings(
    @JsonProperty("file") Path file,
    @JsonProperty("webUrl") String webUrl,
    @JsonProperty("sinks") List<JsonNode> sinks) {
  static final AlertSettings DEFAULT = new AlertSettings(null, null, null);

  public AlertSettings {
    sinks = sinks == null ? List.of() : List.copyOf(sinks);
  }

  /** Only the JSON-lines file (null: stdout), no sinks. */
  public AlertSettings(Path file) {
    this(file, null, null);
  }
}
