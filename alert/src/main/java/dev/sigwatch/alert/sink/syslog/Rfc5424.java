package dev.sigwatch.alert.sink.syslog;

import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An RFC 5424 syslog message of a sink message:
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [sigwatch@32473 alertId="…" key="…" event="…"] MSG}.
 * PRI = facility × 8 + severity (CRITICAL → 2 crit, HIGH → 3 err, MEDIUM → 4 warning, LOW → 5 notice, INFO and
 * resolutions → 6 info). MSGID is the alert type (printable ASCII, at most 32). The structured data uses the private
 * enterprise number 32473 that RFC 5612 reserves for documentation and examples; its values escape {@code "},
 * {@code \} and {@code ]}. The MSG is UTF-8 without a BOM (SIEM parsers of CEF do not expect one). Stateless.
 */
public final class Rfc5424 {
  static final String SD_ID = "sigwatch@32473";

  private Rfc5424() {}

  /**
   * @param facility 0-23 (16 = local0)
   * @param hostname this machine's name (printable ASCII, at most 255)
   * @param msg the payload (CEF or JSON)
   */
  public static String format(SinkMessage m, int facility, String hostname, String appName, String msg) {
    int pri = facility * 8 + severity(m);
    String ts = Instant.ofEpochMilli(m.atMillis()).truncatedTo(ChronoUnit.MILLIS).toString();
    return "<" + pri + ">1 " + ts + " " + token(hostname, 255) + " " + token(appName, 48) + " - "
        + token(m.alertType(), 32) + " [" + SD_ID + " alertId=\"" + sd(m.alertId()) + "\" key=\""
        + sd(m.idempotencyKey()) + "\" event=\"" + sd(m.kind().eventType()) + "\"] " + msg;
  }

  static int severity(SinkMessage m) {
    if (m.kind() == SinkMessage.Kind.INCIDENT_RESOLVED) return 6;
    Severity s = m.alert() == null ? null : m.alert().getSeverity();
    if (s == null) return 5;
    return switch (s) {
      case CRITICAL -> 2;
      case HIGH -> 3;
      case MEDIUM -> 4;
      case LOW -> 5;
      case INFO -> 6;
    };
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max} characters, "-" when empty. */
  static String token(String s, int max) {
    if (s == null || s.isEmpty()) return "-";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c > 32 && c < 127 ? c : '_');
    }
    return sb.toString();
  }

  /** An SD-PARAM value: {@code "}, {@code \} and {@code ]} are backslash-escaped. */
  static String sd(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }
}
