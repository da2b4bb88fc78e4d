package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A monitor config (protobuf-specs {@code MonitorConfig}): where a monitor reads each Rekor log, which can differ from
 * the write URL of the trusted root and signing config (production's write URL is a global load balancer that does
 * not serve reads). Not shipped in Sigstore's TUF repository yet: read from a local file, or from the TUF target
 * {@code monitor_config.json} when a repository has one.
 *
 * <p>JSON: {@code {"rekorLogs": [{"readUrl": "...", "logOrigin": "...", "majorApiVersion": 2}]}}. Immutable.
 */
public record MonitorConfig(List<RekorLog> rekorLogs) {
  /**
   * @param readUrl where to read the log (its checkpoint, tiles or REST API)
   * @param logOrigin the checkpoint origin the log signs (binds the read URL to a trusted-root log)
   * @param majorApiVersion 1: Rekor v1 REST API, 2: Rekor v2 tiles
   */
  public record RekorLog(String readUrl, String logOrigin, int majorApiVersion) {
    public RekorLog {
      Objects.requireNonNull(readUrl, "readUrl");
      Objects.requireNonNull(logOrigin, "logOrigin");
      if (majorApiVersion < 1) {
        throw new IllegalArgumentException("majorApiVersion must be >= 1, was " + majorApiVersion);
      }
    }
  }

  public MonitorConfig {
    rekorLogs = List.copyOf(rekorLogs);
  }

  public static MonitorConfig load(Path file) throws TrustException {
    return parse(TrustJson.read(file, "monitor config"));
  }

  public static MonitorConfig parse(String json) throws TrustException {
    JsonNode root = TrustJson.object(json, "monitor config",
        m -> m.isEmpty() || m.startsWith("application/vnd.dev.sigstore.monitorconfig"),
        "application/vnd.dev.sigstore.monitorconfig...+json");
    JsonNode logs = root.path("rekorLogs");
    if (!logs.isArray()) {
      throw new TrustException("monitor config: rekorLogs must be an array, but was: " + logs.getNodeType());
    }
    List<RekorLog> out = new ArrayList<>();
    for (int i = 0; i < logs.size(); i++) {
      JsonNode n = logs.get(i);
      String where = "rekorLogs[" + i + "]";
      JsonNode version = n.get("majorApiVersion");
      if (version == null || !version.canConvertToInt() || version.asInt() < 1) {
        throw new TrustException(where + ".majorApiVersion must be a positive number, but was: " + version);
      }
      out.add(new RekorLog(TrustedRoot.text(n, "readUrl", where), TrustedRoot.text(n, "logOrigin", where),
          version.asInt()));
    }
    return new MonitorConfig(out);
  }
}
