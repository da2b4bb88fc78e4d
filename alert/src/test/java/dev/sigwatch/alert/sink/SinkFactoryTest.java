package dev.sigwatch.alert.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinkFactoryTest {
  @Test
  void commonSettingsAndFilter() throws Exception {
    SinkSpec s = SinkFixtures.sink("""
        name: pager
        type: webhook
        url: https://hooks.example.com/x
        secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]
        minSeverity: high
        types: [FORK, SPLIT_VIEW]
        logs: rekor.sigstore.dev
        updates: false
        backoff: PT2S
        suspendAfter: 3
        """);
    assertThat(s.name()).isEqualTo("pager");
    assertThat(s.groupId()).isEqualTo("sigwatch-sink-pager");
    assertThat(s.filter()).isEqualTo(new SinkFilter(Severity.HIGH, Set.of("FORK", "SPLIT_VIEW"), Set.of(),
        Set.of("rekor.sigstore.dev")));
    assertThat(s.updates()).isFalse();
    assertThat(s.retry()).isEqualTo(new RetryPolicy(Duration.ofSeconds(2), RetryPolicy.DEFAULT.maxBackoff(), 3,
        RetryPolicy.DEFAULT.resumeAfter()));
    assertThat(s.sink().describe()).isEqualTo("webhook https://hooks.example.com");
    assertThat(s.secrets()).extracting(Secret::value).containsExactly("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    s.sink().close();
  }

  @Test
  void problemsNameTheKey() {
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: pager\n"))
        .hasMessage("alerts.sinks[0].type is 'pager': use one of webhook, slack, email, github, syslog, jsonlines, hook");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: webhook\n"))
        .hasMessage("alerts.sinks[0].url is missing: give the destination's http(s) URL");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: webhook\nurl: https://x.example\nsmtpHost: y\n"))
        .hasMessageStartingWith("alerts.sinks[0].smtpHost is not a setting of a webhook sink; its settings are: ")
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a b\ntype: webhook\n"))
        .hasMessage("alerts.sinks[0].name 'a b' may only hold letters, digits, '.', '_' and '-' (1-100 of them)");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: webhook\nurl: https://x.example\nminSeverity: URGENT\n"))
        .hasMessage("alerts.sinks[0].minSeverity is 'URGENT': use one of INFO, LOW, MEDIUM, HIGH, CRITICAL");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: webhook\nurl: https://x.example\nbackoff: 5s\n"))
        .hasMessage("alerts.sinks[0].backoff must be an ISO-8601 duration such as PT30S or PT5M, was '5s'");
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: syslog\nhost: h\nprotocol: tcp\ncaFile: /x\n"))
        .hasMessage("alerts.sinks[0].caFile is only used with protocol: tls");
  }

  @Test
  void secretsNeverAppearInProblems() {
    String hook = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";
    assertThatThrownBy(() -> SinkFixtures.sink("name: a\ntype: slack\nurl: 'not a url " + hook + "'\n"))
        .hasMessage("alerts.sinks[0].url (a secret) is not an http(s) URL with a host");
    assertThatThrownBy(() -> SinkFixtures.sink(
        "name: a\ntype: github\nrepo: o/r\ntoken: ghp_SECRETTOKEN\napiUrl: 'ftp://x'\n"))
        .hasMessageNotContaining("ghp_SECRETTOKEN");
  }

  @Test
  void namesMustBeUnique() {
    var nodes = List.of(SinkFixtures.yaml("name: a\ntype: jsonlines\n"), SinkFixtures.yaml("name: a\ntype: jsonlines\n"));
    assertThatThrownBy(() -> SinkFactory.buildAll(nodes, SinkContext.defaults()))
        .hasMessageStartingWith("alerts.sinks[1].name 'a' is used twice");
  }

  @Test
  void secretsAreRedacted() {
    Secret s = Secret.of("p@ss word");
    assertThat(s.toString()).isEqualTo("***");
    assertThat(Secret.redact("login p@ss word / p%40ss+word failed", List.of(s))).isEqualTo("login *** / *** failed");
  }
}
