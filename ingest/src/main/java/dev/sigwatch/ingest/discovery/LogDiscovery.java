package dev.sigwatch.ingest.discovery;

import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.MonitorConfig;
import dev.sigwatch.core.trust.ServiceEndpoint;
import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.ingest.LogTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which logs to watch when the config lists none: every transparency log and CT log of the trusted root whose key is
 * valid now, will be (announced ahead of use), or stopped being valid less than {@code followRetiredFor} ago (a
 * retired shard is read until frozen). A transparency log's API comes from either signing config when it lists the
 * log ({@code majorApiVersion} 2: Rekor v2 tiles, 1: the Rekor v1 REST API); otherwise from its key, as the trusted
 * root says nothing else about it: Rekor v2 logs sign with Ed25519, Rekor v1 with ECDSA. A monitor config
 * ({@code rekorLogs[{readUrl, logOrigin, majorApiVersion}]}) says where to read a log whose write URL does not serve
 * reads: the log whose key the origin names is read at its {@code readUrl}, and checkpoints read there must carry that
 * origin. A log only in a signing config is not watched (no key to verify it with), and is named in a warning. CT
 * logs are {@code ct}: the trusted root cannot tell RFC 6962 logs from static-ct ones, so ingest finds out at the
 * first poll ({@code DetectedCtSource}).
 */
public final class LogDiscovery {
  private static final Logger log = LoggerFactory.getLogger(LogDiscovery.class);

  /**
   * The logs to read.
   *
   * @param current logs valid now or retired recently: read from the configured {@code ingest.startAt}
   * @param upcoming logs whose validity starts later: read from index 0 when they start serving (no gap)
   * @param origins the checkpoint origin required of checkpoints read at a monitor config's read URL, by URL
   */
  public record Discovered(List<LogTarget> current, List<LogTarget> upcoming, Map<String, String> origins) {
    public Discovered {
      current = List.copyOf(current);
      upcoming = List.copyOf(upcoming);
      origins = Map.copyOf(origins);
    }

    /** Every log, current first. */
    public List<LogTarget> all() {
      List<LogTarget> all = new ArrayList<>(current);
      all.addAll(upcoming);
      return all;
    }
  }

  private LogDiscovery() {}

  /** The logs of {@code root} valid at {@code at}, transparency logs first, in the root's order, without repeats. */
  public static List<LogTarget> discover(dev.sigwatch.core.trust.TrustedRoot root,
      Optional<dev.sigwatch.core.trust.SigningConfig> signing, Instant at) {
    return discover(TrustState.of(root, signing), at, Duration.ZERO).current();
  }

  /** The logs of {@code state} to read at {@code at}: transparency logs first, in the root's order, without repeats. */
  public static Discovered discover(TrustState state, Instant at, Duration followRetiredFor) {
    Set<LogTarget> current = new LinkedHashSet<>();
    Set<LogTarget> upcoming = new LinkedHashSet<>();
    Map<String, String> origins = new LinkedHashMap<>();
    Set<String> trusted = new LinkedHashSet<>();
    List<ServiceEndpoint> endpoints = state.rekorEndpoints();
    for (LogKey k : state.trustedRoot().tlogs()) {
      trusted.add(normalize(k.baseUrl()));
      Set<LogTarget> into = into(k, at, followRetiredFor, current, upcoming);
      if (into == null) continue;
      Optional<ServiceEndpoint> listed = endpoints.stream()
          .filter(e -> normalize(e.url()).equals(normalize(k.baseUrl()))).findFirst();
      Optional<MonitorConfig.RekorLog> read = state.monitorConfig().flatMap(m -> readAt(m, state, k));
      String type = read.map(r -> r.majorApiVersion() >= 2 ? "rekor-v2" : "rekor-v1")
          .or(() -> listed.map(e -> e.majorApiVersion() >= 2 ? "rekor-v2" : "rekor-v1"))
          .orElse(k.keyType().toUpperCase(Locale.ROOT).contains("ED25519") ? "rekor-v2" : "rekor-v1");
      String url = read.map(MonitorConfig.RekorLog::readUrl).orElse(k.baseUrl());
      read.ifPresent(r -> origins.put(r.readUrl(), r.logOrigin()));
      into.add(LogTarget.of(type, url));
    }
    List<String> unknown = new ArrayList<>();
    for (ServiceEndpoint e : endpoints) {
      if (!trusted.contains(normalize(e.url())) && (e.isValidAt(at) || e.validFor().start().isAfter(at))) {
        unknown.add(e.url());
      }
    }
    if (!unknown.isEmpty()) {
      log.warn("the signing config lists Rekor logs the trusted root has no key for, not watched: {}", unknown);
    }
    for (LogKey k : state.trustedRoot().ctlogs()) {
      Set<LogTarget> into = into(k, at, followRetiredFor, current, upcoming);
      if (into != null) into.add(LogTarget.of("ct", k.baseUrl()));
    }
    upcoming.removeAll(current);
    return new Discovered(List.copyOf(current), List.copyOf(upcoming), origins);
  }

  private static Set<LogTarget> into(LogKey k, Instant at, Duration followRetiredFor, Set<LogTarget> current,
                                     Set<LogTarget> upcoming) {
    if (k.validFrom().isAfter(at)) return upcoming;
    if (k.validUntil() == null || k.validUntil().plus(followRetiredFor).isAfter(at)) return current;
    return null;
  }

  /** The monitor config's entry for trusted-root log {@code k}: the one whose origin names k's key. */
  private static Optional<MonitorConfig.RekorLog> readAt(MonitorConfig m, TrustState state, LogKey k) {
    for (MonitorConfig.RekorLog r : m.rekorLogs()) {
      boolean names = r.majorApiVersion() >= 2
          ? LogNoteKeys.rekorV2(state.trustedRoot(), r.logOrigin()).stream().anyMatch(s -> s.log().equals(k))
          : LogNoteKeys.RekorV1Origin.parse(r.logOrigin()).map(o -> o.hostname()).orElse(r.logOrigin())
              .equals(k.host());
      if (names) return Optional.of(r);
    }
    return Optional.empty();
  }

  private static String normalize(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    return u;
  }
}
