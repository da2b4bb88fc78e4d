package dev.sigwatch.deploy.runtime;

import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.ServiceEndpoint;
import dev.sigwatch.core.trust.SigningConfig;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.ingest.LogTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which logs to watch when the config lists none: every transparency log and CT log of the trusted root whose key is
 * valid now. A transparency log's API comes from the signing config when it lists the log ({@code majorApiVersion} 2:
 * Rekor v2 tiles, 1: the Rekor v1 REST API); otherwise from its key, as the trusted root says nothing else about it:
 * Rekor v2 logs sign with Ed25519, Rekor v1 with ECDSA. A log only in the signing config is not watched (no key to
 * verify it with), and is named in a warning. CT logs are {@code ct}: the trusted root cannot tell RFC 6962 logs from
 * static-ct ones, so ingest finds out at the first poll ({@code DetectedCtSource}).
 */
public final class LogDiscovery {
  private static final Logger log = LoggerFactory.getLogger(LogDiscovery.class);

  private LogDiscovery() {}

  /** The config's {@code logs} if it has any, else the logs discovered from {@code trust} at {@code at}. */
  public static List<LogTarget> configuredOrDiscovered(SigwatchConfig cfg, TrustSource trust, Instant at) {
    return cfg.logs().isEmpty() ? discover(trust.trustedRoot(), trust.signingConfig(), at) : configured(cfg);
  }

  /** The config's {@code logs}, without repeats. */
  public static List<LogTarget> configured(SigwatchConfig cfg) {
    return cfg.logs().stream().map(l -> LogTarget.of(l.type(), l.url())).distinct().toList();
  }

  /** The logs of {@code root} valid at {@code at}, transparency logs first, in the root's order, without repeats. */
  public static List<LogTarget> discover(TrustedRoot root, Optional<SigningConfig> signing, Instant at) {
    Set<LogTarget> out = new LinkedHashSet<>();
    Set<String> trusted = new LinkedHashSet<>();
    for (LogKey k : root.tlogs()) {
      trusted.add(normalize(k.baseUrl()));
      if (!k.isValidAt(at)) continue;
      Optional<ServiceEndpoint> listed = signing.flatMap(s -> s.rekorTlogUrls().stream()
          .filter(e -> normalize(e.url()).equals(normalize(k.baseUrl()))).findFirst());
      String type = listed.map(e -> e.majorApiVersion() >= 2 ? "rekor-v2" : "rekor-v1")
          .orElse(k.keyType().toUpperCase(Locale.ROOT).contains("ED25519") ? "rekor-v2" : "rekor-v1");
      out.add(LogTarget.of(type, k.baseUrl()));
    }
    signing.ifPresent(s -> {
      List<String> unknown = new ArrayList<>();
      for (ServiceEndpoint e : s.rekorTlogUrls()) {
        if (e.isValidAt(at) && !trusted.contains(normalize(e.url()))) unknown.add(e.url());
      }
      if (!unknown.isEmpty()) {
        log.warn("the signing config lists Rekor logs the trusted root has no key for, not watched: {}", unknown);
      }
    });
    for (LogKey k : root.ctlogs()) {
      if (k.isValidAt(at)) out.add(LogTarget.of("ct", k.baseUrl()));
    }
    return List.copyOf(out);
  }

  private static String normalize(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    return u;
  }
}
