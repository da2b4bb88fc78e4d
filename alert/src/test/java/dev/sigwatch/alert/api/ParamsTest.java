package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private static final Set<String> ALLOWED = Set.of("limit", "since", "severity", "q", "sha");

  private static ApiException bad(String query) {
    try {
      Params p = Params.parse(query, ALLOWED);
      p.longValue("limit", 1, 1000, 50);
      p.instant("since");
      p.enumList("severity", Severity.class);
      p.sha256("sha");
      p.regex("q", 256);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted " + query);
  }

  @Test
  void parsesTypedValues() throws ApiException {
    Params p = Params.parse("limit=20&since=2026-12-01T00%3A00%3A00Z&severity=high,CRITICAL&q=a%2Bb&sha="
        + "AB".repeat(32), ALLOWED);
    assertThat(p.longValue("limit", 1, 1000, 50)).isEqualTo(20);
    assertThat(p.instant("since")).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(p.enumList("severity", Severity.class)).isEqualTo(List.of(Severity.HIGH, Severity.CRITICAL));
    assertThat(p.string("q")).isEqualTo("a+b");
    assertThat(p.sha256("sha")).isEqualTo("ab".repeat(32));
    assertThat(Params.parse("since=1764547200000", ALLOWED).instant("since"))
        .isEqualTo(Instant.parse("2025-12-01T00:00:00Z"));
  }

  @Test
  void absentValuesTakeTheDefault() throws ApiException {
    Params p = Params.parse(null, ALLOWED);
    assertThat(p.longValue("limit", 1, 1000, 50)).isEqualTo(50);
    assertThat(p.instant("since")).isNull();
    assertThat(p.enumList("severity", Severity.class)).isEmpty();
  }

  @Test
  void eachBadParameterIsNamed() {
    assertThat(bad("limit=abc").parameter()).isEqualTo("limit");
    assertThat(bad("limit=abc").getMessage()).isEqualTo("limit must be an integer between 1 and 1000, was 'abc'");
    assertThat(bad("limit=0").getMessage()).isEqualTo("limit must be between 1 and 1000, was 0");
    assertThat(bad("limit=99999999999999999999").parameter()).isEqualTo("limit");
    assertThat(bad("since=yesterday").parameter()).isEqualTo("since");
    assertThat(bad("severity=HIGH,urgent").getMessage()).contains("had 'urgent'");
    assertThat(bad("sha=1234").parameter()).isEqualTo("sha");
    assertThat(bad("q=(unclosed").getMessage()).startsWith("q is not a valid regular expression: Unclosed group");
    assertThat(bad("serverity=HIGH").getMessage()).startsWith("unknown parameter 'serverity'; this endpoint accepts");
    assertThat(bad("limit=1&limit=2").getMessage()).isEqualTo("limit is given twice");
    assertThat(bad("q=%zz").parameter()).isEqualTo("q");
    assertThat(bad("q=" + "x".repeat(Params.MAX_VALUE_CHARS + 1)).getMessage())
        .isEqualTo("q is 1025 characters long, at most 1024 are accepted");
    assertThat(bad("q=" + "a".repeat(300)).getMessage()).isEqualTo("q is longer than 256 characters");
  }

  @Test
  void sqlMetacharactersAreJustText() throws ApiException {
    Params p = Params.parse("q=%27%20OR%201%3D1%3B%20DROP%20TABLE%20alerts%3B--", ALLOWED);
    assertThat(p.string("q")).isEqualTo("' OR 1=1; DROP TABLE alerts;--");
    assertThat(bad("limit=1%3B%20DROP%20TABLE%20alerts").getMessage())
        .isEqualTo("limit must be an integer between 1 and 1000, was '1; DROP TABLE alerts'");
  }
}
