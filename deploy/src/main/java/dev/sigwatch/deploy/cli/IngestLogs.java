package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.Stages;
import dev.sigwatch.deploy.runtime.TrustSource;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which logs {@code sigwatch ingest}/{@code backfill} ingest: the {@code --log} values; without them the config's
 * {@code logs}, else the logs of the trusted root (the configured one, else Sigstore public-good), as {@code run}
 * watches them ({@link LogDiscovery}).
 */
final class IngestLogs {
  private IngestLogs() {}

  /**
   * @param requested {@code --log} values: a URL (its type from {@code type}) or the name of a watched log (its URL
   *     without scheme, or its host); the trusted root is only loaded when a name must be looked up or none is given
   */
  static List<LogTarget> resolve(SigwatchConfig config, List<String> requested, String type) throws ConfigException {
    List<LogTarget> out = new ArrayList<>();
    List<LogTarget> watched = null;
    for (String r : requested == null ? List.<String>of() : requested) {
      if (r.contains("://")) {
        out.add(LogTarget.of(type, r));
        continue;
      }
      if (watched == null) watched = watched(config);
      out.add(watched.stream().filter(t -> t.withoutScheme().equals(r) || t.url().getHost().equals(r)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--log " + r + " is neither a URL nor a watched log")));
    }
    if (!out.isEmpty()) return out;
    List<LogTarget> all = watched(config);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no logs to ingest: the trusted root lists no log valid now; give --log URL or "
          + "a logs: list in the config");
    }
    return all;
  }

  private static List<LogTarget> watched(SigwatchConfig config) throws ConfigException {
    // The trusted root is loaded (TUF, or the bundled fallback) only when the config lists no logs.
    if (!config.logs().isEmpty()) return Stages.configuredLogs(config);
    TrustSource trust = TrustSource.load(config);
    return LogDiscovery.discover(trust.state(), Instant.now(), config.trust().retiredFor()).all();
  }
}
