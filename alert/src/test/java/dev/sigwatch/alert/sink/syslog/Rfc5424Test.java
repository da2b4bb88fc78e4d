package dev.sigwatch.alert.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.alert.sink.SinkMessage;
import org.junit.jupiter.api.Test;

class Rfc5424Test {
  @Test
  void headerStructuredDataAndMessage() {
    SinkMessage m = SinkMessage.of(CefTest.alert("s"));
    // local0 (16) * 8 + crit (2) = 130
    assertThat(Rfc5424.format(m, 16, "host a", "sigwatch", "MSG")).isEqualTo("<130>1 2023-11-14T22:13:20Z host_a "
        + "sigwatch - FORK [sigwatch@32473 alertId=\"id1\" key=\"id1\" event=\"alert.created\"] MSG");
  }

  @Test
  void structuredDataValuesEscapeQuoteBackslashAndBracket() {
    assertThat(Rfc5424.sd("a\"b\\c]d")).isEqualTo("a\\\"b\\\\c\\]d");
  }
}
