package dev.sigwatch.alert.sink.syslog;

import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format (CEF:0) of a sink message:
 * {@code CEF:0|sigwatch|sigwatch|<version>|<type[:continues|:resolved]>|<headline>|<0-10>|<extensions>}.
 * Escaping as the CEF specification requires: in the header {@code \} and {@code |} are backslash-escaped (and line
 * breaks, which a header cannot hold, become spaces); in extension values {@code \} and {@code =} are
 * backslash-escaped and line breaks are written {@code \n} / {@code \r}. Extension keys are fixed ASCII names.
 * Custom strings carry their meaning in {@code csNLabel}. Stateless.
 */
public final class Cef {
  private Cef() {}

  public static String format(SinkMessage m, String version) {
    Alert a = m.alert();
    String signatureId = m.alertType() + switch (m.kind()) {
      case ALERT -> "";
      case INCIDENT_CONTINUES -> ":continues";
      case INCIDENT_RESOLVED -> ":resolved";
    };
    String name = m.headline();
    if (name.length() > 512) name = name.substring(0, 511) + "…";
    StringBuilder sb = new StringBuilder("CEF:0|sigwatch|sigwatch|")
        .append(header(version)).append('|').append(header(signatureId)).append('|').append(header(name)).append('|')
        .append(severity(a == null ? null : a.getSeverity())).append('|');
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("rt", Long.toString(m.atMillis()));
    ext.put("act", m.kind().eventType());
    ext.put("externalId", m.alertId());
    ext.put("msg", m.headline());
    if (m.logId() != null) label(ext, 1, "log", m.logId());
    if (a != null) {
      if (a.getIdentity() != null) label(ext, 2, "identity", a.getIdentity());
      if (a.getRuleId() != null) label(ext, 3, "rule", a.getRuleId());
      if (a.getUuid() != null) label(ext, 4, "uuid", a.getUuid());
      String cert = a.getCertificate() == null ? null : a.getCertificate().get("fingerprint");
      if (cert != null) label(ext, 5, "certSha256", cert);
      if (a.getLogIndex() != null) {
        ext.put("cn1Label", "logIndex");
        ext.put("cn1", Long.toString(a.getLogIndex()));
      }
    }
    label(ext, 6, "idempotencyKey", m.idempotencyKey());
    boolean first = true;
    for (Map.Entry<String, String> e : ext.entrySet()) {
      if (!first) sb.append(' ');
      first = false;
      sb.append(e.getKey()).append('=').append(extension(e.getValue()));
    }
    return sb.toString();
  }

  private static void label(Map<String, String> ext, int n, String label, String value) {
    ext.put("cs" + n + "Label", label);
    ext.put("cs" + n, value);
  }

  /** CEF severity 0-10: INFO 1, LOW 3, MEDIUM 5, HIGH 8, CRITICAL 10; unknown 5. */
  static int severity(Severity s) {
    if (s == null) return 5;
    return switch (s) {
      case INFO -> 1;
      case LOW -> 3;
      case MEDIUM -> 5;
      case HIGH -> 8;
      case CRITICAL -> 10;
    };
  }

  /** A header field: {@code \} → {@code \\}, {@code |} → {@code \|}, line breaks → space. */
  public static String header(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }

  /** An extension value: {@code \} → {@code \\}, {@code =} → {@code \=}, LF → {@code \n}, CR → {@code \r}. */
  public static String extension(String s) {
    return s.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n");
  }
}
