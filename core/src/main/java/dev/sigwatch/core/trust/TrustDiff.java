package dev.sigwatch.core.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What changed from one trust state to the next: every log key, CA, CT log, signing-config endpoint (a Rekor shard)
 * and monitor-config read URL added, removed, or changed. Pure; items are compared by their identity in the document
 * (log ID, CA certificate fingerprint, URL) and described by everything a monitor relies on (URL, key, validity).
 */
public final class TrustDiff {
  public static final String TRUSTED_ROOT = "trusted_root.json";
  public static final String SIGNING_CONFIG = "signing_config.v0.2.json";
  public static final String SIGNING_CONFIG_REKOR_V2 = "signing_config_rekor_v2.v0.2.json";
  public static final String MONITOR_CONFIG = "monitor_config.json";

  private TrustDiff() {}

  /** The changes from {@code before} to {@code after}, in document order; empty when nothing a monitor uses changed. */
  public static List<TrustChange> between(TrustState before, TrustState after) {
    List<TrustChange> out = new ArrayList<>();
    TrustedRoot a = before.trustedRoot();
    TrustedRoot b = after.trustedRoot();
    diff(out, TRUSTED_ROOT, "tlog", logs(a.tlogs()), logs(b.tlogs()));
    diff(out, TRUSTED_ROOT, "ctlog", logs(a.ctlogs()), logs(b.ctlogs()));
    diff(out, TRUSTED_ROOT, "certificateAuthority", cas(a.certificateAuthorities()), cas(b.certificateAuthorities()));
    diff(out, TRUSTED_ROOT, "timestampAuthority", cas(a.timestampAuthorities()), cas(b.timestampAuthorities()));
    signing(out, SIGNING_CONFIG, before.signingConfig(), after.signingConfig());
    signing(out, SIGNING_CONFIG_REKOR_V2, before.rekorV2SigningConfig(), after.rekorV2SigningConfig());
    diff(out, MONITOR_CONFIG, "rekorLog", monitor(before.monitorConfig()), monitor(after.monitorConfig()));
    return out;
  }

  private static void signing(List<TrustChange> out, String doc, Optional<SigningConfig> a, Optional<SigningConfig> b) {
    diff(out, doc, "rekorTlogUrl", endpoints(a, SigningConfig::rekorTlogUrls), endpoints(b, SigningConfig::rekorTlogUrls));
    diff(out, doc, "caUrl", endpoints(a, SigningConfig::caUrls), endpoints(b, SigningConfig::caUrls));
    diff(out, doc, "tsaUrl", endpoints(a, SigningConfig::tsaUrls), endpoints(b, SigningConfig::tsaUrls));
  }

  private static void diff(List<TrustChange> out, String doc, String item, Map<String, String> a, Map<String, String> b) {
    for (Map.Entry<String, String> e : a.entrySet()) {
      String now = b.get(e.getKey());
      if (now == null) {
        out.add(new TrustChange(doc, item, e.getKey(), TrustChange.Kind.REMOVED, e.getValue(), null));
      } else if (!now.equals(e.getValue())) {
        out.add(new TrustChange(doc, item, e.getKey(), TrustChange.Kind.CHANGED, e.getValue(), now));
      }
    }
    for (Map.Entry<String, String> e : b.entrySet()) {
      if (!a.containsKey(e.getKey())) {
        out.add(new TrustChange(doc, item, e.getKey(), TrustChange.Kind.ADDED, null, e.getValue()));
      }
    }
  }

  private static Map<String, String> logs(List<LogKey> logs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (LogKey k : logs) {
      m.put(Base64.getEncoder().encodeToString(k.logId()), k.baseUrl() + " " + k.keyType() + " key "
          + sha256(k.key().getEncoded()).substring(0, 16) + " valid " + period(k.validFrom(), k.validUntil()));
    }
    return m;
  }

  private static Map<String, String> cas(List<CertificateAuthority> cas) {
    Map<String, String> m = new LinkedHashMap<>();
    for (CertificateAuthority ca : cas) {
      try {
        m.put(sha256(ca.chain().get(0).getEncoded()), ca.uri() + " " + ca.subject() + " ("
            + ca.chain().get(0).getSubjectX500Principal().getName() + ") valid " + period(ca.validFrom(), ca.validUntil()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate re-encodes", e);
      }
    }
    return m;
  }

  private static Map<String, String> endpoints(Optional<SigningConfig> c,
                                               Function<SigningConfig, List<ServiceEndpoint>> which) {
    Map<String, String> m = new LinkedHashMap<>();
    c.ifPresent(s -> which.apply(s).forEach(e -> m.put(e.url(), "API v" + e.majorApiVersion() + " valid "
        + period(e.validFor().start(), e.validFor().end()) + (e.operator().isEmpty() ? "" : " by " + e.operator()))));
    return m;
  }

  private static Map<String, String> monitor(Optional<MonitorConfig> c) {
    Map<String, String> m = new LinkedHashMap<>();
    c.ifPresent(mc -> mc.rekorLogs().forEach(l -> m.put(l.readUrl(), "origin \"" + l.logOrigin() + "\" API v"
        + l.majorApiVersion())));
    return m;
  }

  private static String period(java.time.Instant start, java.time.Instant end) {
    return start + " .. " + (end == null ? "open" : end.toString());
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
