package dev.sigwatch.match.watchlist;

import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Converts rekor-monitor's {@code monitoredValues} into {@link WatchRule}s with deterministic ids: the same rule
 * always gets the same id ({@code r-} + 16 hex of SHA-256 over its type and fields), so re-publishing a config's
 * rules to the compacted watchlist topic replaces them instead of duplicating them. Stateless and thread-safe.
 */
public final class WatchRules {
  private WatchRules() {}

  /** One rule per certIdentity, subject, fingerprint, Fulcio extension name, OID and custom extension. */
  public static List<WatchRule> from(MonitoredValues mv, long createdAtMillis) {
    List<WatchRule> out = new ArrayList<>();
    for (MonitoredValues.CertIdentity c : mv.certIdentities()) {
      out.add(rule(RuleType.CERT_IDENTITY, c.certSubject(), c.issuers(), null, null, List.of(), createdAtMillis));
    }
    for (String s : mv.subjects()) {
      out.add(rule(RuleType.SUBJECT, null, List.of(), s, null, List.of(), createdAtMillis));
    }
    for (String f : mv.fingerprints()) {
      out.add(rule(RuleType.FINGERPRINT, null, List.of(), f, null, List.of(), createdAtMillis));
    }
    for (Map.Entry<String, List<String>> e : mv.allFulcioExtensions().entrySet()) {
      out.add(rule(RuleType.FULCIO_EXTENSION, null, List.of(), null, e.getKey(), e.getValue(), createdAtMillis));
    }
    for (MonitoredValues.OidExtension o : mv.oidMatchers().oidExtensions()) {
      String oid = o.objectIdentifier().stream().map(String::valueOf).collect(Collectors.joining("."));
      out.add(rule(RuleType.OID_EXTENSION, null, List.of(), null, oid, o.extensionValues(), createdAtMillis));
    }
    for (MonitoredValues.CustomExtension c : mv.allCustomExtensions()) {
      out.add(rule(RuleType.OID_EXTENSION, null, List.of(), null, c.objectIdentifier(), c.extensionValues(),
          createdAtMillis));
    }
    return out;
  }

  /** A rule with its deterministic id. */
  public static WatchRule rule(RuleType type, String certSubject, List<String> issuers, String value, String oid,
      List<String> values, long createdAtMillis) {
    return WatchRule.newBuilder()
        .setRuleId(ruleId(type, certSubject, issuers, value, oid, values))
        .setType(type)
        .setCertSubject(certSubject)
        .setIssuers(List.copyOf(issuers))
        .setValue(value)
        .setOid(oid)
        .setValues(List.copyOf(values))
        .setCreatedAtMillis(createdAtMillis)
        .build();
  }

  /** {@code r-} + 16 hex of SHA-256 over the rule's type and fields (unit-separated, so fields cannot run together). */
  public static String ruleId(RuleType type, String certSubject, List<String> issuers, String value, String oid,
      List<String> values) {
    String canonical = String.join("\u001f", type.name(), nz(certSubject), String.join("\u001e", issuers),
        nz(value), nz(oid), String.join("\u001e", values));
    byte[] h = Certificates.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    return "r-" + HexFormat.of().formatHex(h, 0, 8);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
