package dev.sigwatch.deploy.cli;

import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.ingest.LogTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Which logs {@code sigwatch ingest}/{@code backfill} ingest: --log values, else the config's logs, else the trusted root. */
final class IngestLogs {
  private IngestLogs() {}

  /**
   * @param requested {@code --log} values: a URL (its type from {@code type}) or the name of a configured log (its
   *     URL without scheme, or its host)
   */
  static List<LogTarget> resolve(SigwatchConfig config, List<String> requested, String type) throws TrustException {
    List<LogTarget> configured = new ArrayList<>();
    for (LogSettings l : config.logs()) configured.add(LogTarget.of(l.type(), l.url()));
    if (configured.isEmpty() && config.trustedRoot() != null) configured.addAll(discover(TrustedRoot.load(config.trustedRoot())));
    if (requested == null || requested.isEmpty()) {
      if (configured.isEmpty()) {
        throw new IllegalArgumentException("no logs to ingest: give --log URL, a logs: list or a trustedRoot: file in the config");
      }
      return configured;
    }
    List<LogTarget> out = new ArrayList<>();
    for (String r : requested) {
      if (r.contains("://")) {
        out.add(LogTarget.of(type, r));
        continue;
      }
      out.add(configured.stream().filter(t -> t.withoutScheme().equals(r) || t.url().getHost().equals(r)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--log " + r + " is neither a URL nor a configured log")));
    }
    return out;
  }

  /** The logs valid now in a trusted root: Ed25519 transparency logs are Rekor v2, others Rekor v1; CT logs RFC 6962. */
  static List<LogTarget> discover(TrustedRoot root) {
    Instant now = Instant.now();
    List<LogTarget> out = new ArrayList<>();
    for (LogKey k : root.tlogs()) {
      if (!k.isValidAt(now)) continue;
      out.add(LogTarget.of(k.keyType().contains("ED25519") ? "rekor-v2" : "rekor-v1", k.baseUrl()));
    }
    for (LogKey k : root.ctlogs()) if (k.isValidAt(now)) out.add(LogTarget.of("ct", k.baseUrl()));
    return out.stream().distinct().toList();
  }
}
