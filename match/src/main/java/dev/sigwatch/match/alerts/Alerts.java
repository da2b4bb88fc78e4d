package dev.sigwatch.match.alerts;

import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the match stage's alerts. Ids are deterministic — hex SHA-256 of type, log, index and rule, cut to 32
 * characters — so a replay or a restart re-emits the same id for the same fact and the alert topic's consumers
 * de-duplicate on it. Stateless and thread-safe.
 */
public final class Alerts {
  public static final String IDENTITY_MATCH = "IDENTITY_MATCH";
  /** A watchlist match on an expected signing ({@code sigwatch authorize}): INFO instead of HIGH. */
  public static final String AUTHORIZED = "AUTHORIZED";
  public static final String LOOKALIKE = "LOOKALIKE";
  public static final String UNUSED_CERTIFICATE = "UNUSED_CERTIFICATE";
  public static final String UNLOGGED_CERTIFICATE = "UNLOGGED_CERTIFICATE";
  public static final String MALFORMED_ENTRY = "MALFORMED_ENTRY";
  /** A CT entry whose extra_data precertificate is not the one in its Merkle leaf (HIGH): the log shows other bytes. */
  public static final String CT_EXTRA_DATA_MISMATCH = "CT_EXTRA_DATA_MISMATCH";

  private Alerts() {}

  /** {@code hex(SHA-256(type ␟ log ␟ index ␟ rule))[0:32]}. */
  public static String alertId(String type, String logId, Long logIndex, String ruleId) {
    String s = String.join("\u001f", type, String.valueOf(logId), String.valueOf(logIndex), String.valueOf(ruleId));
    return HexFormat.of().formatHex(Certificates.sha256(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
  }

  /** An alert about an identity event. */
  public static Alert about(String type, Severity severity, IdentityEvent e, String ruleId, String identity,
      String summary, ChainStatus chain, Map<String, String> evidence) {
    Map<String, String> ev = new LinkedHashMap<>(evidence);
    ev.put("source", e.getSource().name());
    ev.put("entryKind", e.getEntryKind() + " " + e.getEntryVersion());
    if (e.getArtifactDigest() != null) {
      ev.put("artifactDigest", e.getArtifactDigest());
    }
    if (e.getTbsHash() != null) {
      ev.put("tbsHash", e.getTbsHash());
    }
    return Alert.newBuilder()
        .setAlertId(alertId(type, e.getLogId(), e.getLogIndex(), ruleId))
        .setType(type)
        .setSeverity(severity)
        .setLogId(e.getLogId())
        .setLogIndex(e.getLogIndex())
        .setUuid(e.getUuid())
        .setRuleId(ruleId)
        .setIdentity(identity)
        .setSummary(summary)
        .setCertificate(certificateSummary(e, chain))
        .setEvidence(ev)
        .setCreatedAtMillis(eventTime(e))
        .build();
  }

  /** Certificate summary: SANs, issuer, serial, validity, fingerprint, chain status; empty for a key signer. */
  public static Map<String, String> certificateSummary(IdentityEvent e, ChainStatus chain) {
    Map<String, String> c = new LinkedHashMap<>();
    if (e.getCertFingerprint() == null) {
      if (!e.getKeyFingerprints().isEmpty()) {
        c.put("keyFingerprint", String.join(",", e.getKeyFingerprints()));
      }
      return c;
    }
    c.put("sans", String.join(",", e.getSans().stream().map(s -> s.getValue()).toList()));
    if (e.getOidcIssuer() != null) {
      c.put("oidcIssuer", e.getOidcIssuer());
    }
    c.put("issuer", String.valueOf(e.getCertIssuerDn()));
    c.put("serial", String.valueOf(e.getCertSerial()));
    if (e.getNotBeforeMillis() != null) {
      c.put("notBefore", Instant.ofEpochMilli(e.getNotBeforeMillis()).toString());
      c.put("notAfter", Instant.ofEpochMilli(e.getNotAfterMillis()).toString());
    }
    c.put("fingerprint", e.getCertFingerprint());
    if (chain instanceof ChainStatus.Fulcio f) {
      c.put("chain", "fulcio " + f.ca().uri());
    } else if (chain instanceof ChainStatus.Lookalike l) {
      c.put("chain", "lookalike: " + l.reason());
    }
    return c;
  }

  /** Event time in ms: integrated time (Rekor v1) or CT timestamp, else when it was observed. */
  public static long eventTime(IdentityEvent e) {
    return e.getIntegratedTime() != null ? e.getIntegratedTime() * 1000 : e.getObservedAtMillis();
  }
}
