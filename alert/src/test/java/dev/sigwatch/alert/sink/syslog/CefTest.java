package dev.sigwatch.alert.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.alert.sink.SinkMessage;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CefTest {
  static Alert alert(String summary) {
    return Alert.newBuilder().setAlertId("id1").setType("FORK").setSeverity(Severity.CRITICAL).setLogId("log|a")
        .setLogIndex(42L).setIdentity("a=b\\c").setSummary(summary).setCreatedAtMillis(1700000000000L)
        .setCertificate(Map.of("fingerprint", "ff00")).build();
  }

  @Test
  void headerEscapesPipeAndBackslashAndFlattensLineBreaks() {
    assertThat(Cef.header("a|b\\c\nd")).isEqualTo("a\\|b\\\\c d");
  }

  @Test
  void extensionEscapesEqualsBackslashAndLineBreaks() {
    assertThat(Cef.extension("a=b\\c\nd\re|f")).isEqualTo("a\\=b\\\\c\\nd\\re|f");
  }

  @Test
  void anAlertAsCef() {
    String cef = Cef.format(SinkMessage.of(alert("two trees | one size")), "1.0");
    assertThat(cef).isEqualTo("CEF:0|sigwatch|sigwatch|1.0|FORK|two trees \\| one size|10|rt=1700000000000 "
        + "act=alert.created externalId=id1 msg=two trees | one size cs1Label=log cs1=log|a cs2Label=identity "
        + "cs2=a\\=b\\\\c cs5Label=certSha256 cs5=ff00 cn1Label=logIndex cn1=42 cs6Label=idempotencyKey cs6=id1");
  }

  @Test
  void anUpdateNamesItsAlertAndKind() {
    LogEvent e = LogEvent.newBuilder().setEventId("ev9").setLogId("log-a").setType("INCIDENT_RESOLVED")
        .setAtMillis(1700000060000L).setDetail(Map.of("alertId", "id1", "incidentType", "FORK", "reason", "quiet"))
        .build();
    String cef = Cef.format(SinkMessage.ofEvent(e, alert("s")), "1.0");
    assertThat(cef).startsWith("CEF:0|sigwatch|sigwatch|1.0|FORK:resolved|FORK incident resolved: quiet — s|10|")
        .contains("act=alert.resolved externalId=id1").endsWith("cs6Label=idempotencyKey cs6=ev9");
  }
}
