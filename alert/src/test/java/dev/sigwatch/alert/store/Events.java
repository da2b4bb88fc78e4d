package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.SubjectAltName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds the records the store consumes, shaped as the pipeline emits them. */
public final class Events {
  public static final String REKOR = "rekor.sigstore.dev - 1193050959916656506";
  public static final String GITHUB = "https://token.actions.githubusercontent.com";

  private Events() {}

  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Rekor v1 hashedrekord signed by a Fulcio certificate for {@code san} (a URI SAN if it has a scheme). */
  public static IdentityEvent signed(String logId, long index, String san, String issuer, long integratedTime) {
    String type = san.contains("://") ? "uri" : "email";
    return IdentityEvent.newBuilder()
        .setSource(IdentitySource.REKOR).setLogId(logId).setLogIndex(index)
        .setUuid(sha256("uuid" + logId + index))
        .setIntegratedTime(integratedTime)
        .setEntryKind("hashedrekord").setEntryVersion("0.0.1")
        .setSans(List.of(new SubjectAltName(type, san)))
        .setOidcIssuer(issuer)
        .setExtensions(Map.of("1.3.6.1.4.1.57264.1.8", issuer))
        .setSubjects(List.of())
        .setCertFingerprint(sha256("cert" + logId + index))
        .setKeyFingerprints(List.of(sha256("key" + logId + index)))
        .setCertSerial(Long.toHexString(index)).setCertIssuerDn("CN=sigstore-intermediate,O=sigstore.dev")
        .setNotBeforeMillis(integratedTime * 1000 - 1000).setNotAfterMillis(integratedTime * 1000 + 599_000)
        .setArtifactDigest("sha256:" + sha256("artifact" + index))
        .setObservedAtMillis(integratedTime * 1000 + 5_000)
        .build();
  }

  public static Alert alert(String id, String type, Severity severity, String logId, Long index, String identity,
      long createdAtMillis) {
    return Alert.newBuilder()
        .setAlertId(id).setType(type).setSeverity(severity).setLogId(logId).setLogIndex(index)
        .setRuleId(identity == null ? null : "rule-" + sha256(identity).substring(0, 8))
        .setIdentity(identity)
        .setSummary(type + " " + (identity == null ? logId : identity))
        .setCertificate(identity == null ? Map.of() : Map.of("sans", identity))
        .setEvidence(Map.of("checkpoint", "rekor.sigstore.dev - 1193050959916656506\n42\nroot\n"))
        .setCreatedAtMillis(createdAtMillis)
        .build();
  }

  public static LogEvent event(String type, String logId, Long size, byte[] root, long at, Map<String, String> d) {
    return LogEvent.newBuilder()
        .setEventId(sha256(type + logId + size + at + d))
        .setLogId(logId).setType(type).setTreeSize(size)
        .setRootHash(root == null ? null : ByteBuffer.wrap(root))
        .setAtMillis(at).setDetail(d).build();
  }
}
