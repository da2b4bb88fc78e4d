package dev.sigwatch.match.watchlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.SubjectAltName;
import dev.sigwatch.schemas.WatchRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rekor-monitor's README monitoredValues example, rule by rule. */
class WatchlistTest {
  /** The monitoredValues block of rekor-monitor's README, verbatim (as in the deploy ConfigLoaderTest). */
  static final String README = """
      certIdentities:
        - certSubject: user@domain\\.com
        - certSubject: otheruser@domain\\.com
          issuers:
            - https://accounts\\.google\\.com
            - https://github\\.com/login
        - certSubject: https://github\\.com/actions/starter-workflows/blob/main/\\.github/workflows/lint\\.yaml@.*
          issuers:
            - https://token\\.actions\\.githubusercontent\\.com
      subjects:
        - subject@domain\\.com
      fingerprints:
        - A0B1C2D3E4F5
      fulcioExtensions:
        build-config-uri:
          - https://example.com/owner/repository/build-config.yml
      customExtensions:
        - objectIdentifier: 1.3.6.1.4.1.57264.1.9
          extensionValues: https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v1.4.0
      """;
  static final String GITHUB = "https://token.actions.githubusercontent.com";

  static MonitoredValues readme() throws Exception {
    return new ObjectMapper(new YAMLFactory()).readValue(README, MonitoredValues.class);
  }

  static Watchlist watchlist() throws Exception {
    return Watchlist.of(WatchRules.from(readme(), 0));
  }

  static IdentityEvent cert(String san, String issuer, Map<String, String> ext) {
    IdentityEvent e = event();
    e.getSans().add(new SubjectAltName(san.contains("@") && !san.contains("/") ? "email" : "uri", san));
    e.setOidcIssuer(issuer);
    e.getExtensions().putAll(ext);
    if (issuer != null) {
      e.getExtensions().put("1.3.6.1.4.1.57264.1.8", issuer);
    }
    e.setCertFingerprint("ff00");
    e.getKeyFingerprints().add("ee00");
    return e;
  }

  static IdentityEvent event() {
    return IdentityEvent.newBuilder().setSource(IdentitySource.REKOR).setLogId("log").setLogIndex(1)
        .setEntryKind("hashedrekord").setEntryVersion("0.0.1").setObservedAtMillis(0)
        .setSans(new ArrayList<>()).setExtensions(new HashMap<>()).setSubjects(new ArrayList<>())
        .setKeyFingerprints(new ArrayList<>()).build();
  }

  static List<RuleType> types(List<RuleMatch> m) {
    return m.stream().map(RuleMatch::type).toList();
  }

  @Test
  void readmeBecomesOneRulePerValueWithStableIds() throws Exception {
    List<WatchRule> a = WatchRules.from(readme(), 1);
    List<WatchRule> b = WatchRules.from(readme(), 2);
    assertThat(a).extracting(WatchRule::getType).containsExactly(RuleType.CERT_IDENTITY, RuleType.CERT_IDENTITY,
        RuleType.CERT_IDENTITY, RuleType.SUBJECT, RuleType.FINGERPRINT, RuleType.FULCIO_EXTENSION, RuleType.OID_EXTENSION);
    assertThat(a).extracting(WatchRule::getRuleId).containsExactlyElementsOf(b.stream().map(WatchRule::getRuleId).toList())
        .doesNotHaveDuplicates();
  }

  @Test
  void certSubjectWithoutIssuersMatchesAnyIssuerUnanchored() throws Exception {
    Watchlist w = watchlist();
    assertThat(types(w.match(cert("user@domain.com", "https://accounts.google.com", Map.of()))))
        .containsExactly(RuleType.CERT_IDENTITY);
    assertThat(types(w.match(cert("user@domain.com", null, Map.of())))).containsExactly(RuleType.CERT_IDENTITY);
    // Unanchored, exactly like Go's regexp.MatchString: a longer SAN containing the pattern matches too.
    assertThat(w.match(cert("evil-user@domain.com.example", GITHUB, Map.of()))).singleElement()
        .satisfies(m -> assertThat(m.identity()).isEqualTo("evil-user@domain.com.example"));
    assertThat(w.match(cert("user@domain-com.example", GITHUB, Map.of()))).isEmpty();
  }

  @Test
  void certSubjectWithIssuersNeedsOneIssuerToMatch() throws Exception {
    Watchlist w = watchlist();
    // otheruser@domain.com also contains user@domain.com: rule 1 matches on any issuer, rule 2 only on its issuers.
    assertThat(w.match(cert("otheruser@domain.com", "https://accounts.google.com", Map.of()))).hasSize(2);
    assertThat(w.match(cert("otheruser@domain.com", "https://github.com/login/oauth", Map.of()))).hasSize(2);
    assertThat(w.match(cert("otheruser@domain.com", "https://gitlab.com", Map.of()))).hasSize(1);
    assertThat(w.match(cert("otheruser@domain.com", null, Map.of()))).hasSize(1);
  }

  @Test
  void workflowIdentityNeedsTheGithubIssuer() throws Exception {
    Watchlist w = watchlist();
    String san = "https://github.com/actions/starter-workflows/blob/main/.github/workflows/lint.yaml@refs/heads/main";
    assertThat(w.match(cert(san, GITHUB, Map.of()))).singleElement()
        .satisfies(m -> assertThat(m.why()).contains("issuer '" + GITHUB + "'"));
    assertThat(w.match(cert(san, "https://token.actions.example.com", Map.of()))).isEmpty();
    assertThat(w.match(cert(san.replace("lint.yaml", "lintXyaml"), GITHUB, Map.of()))).isEmpty();
  }

  @Test
  void subjectsMatchKeySubjects() throws Exception {
    Watchlist w = watchlist();
    IdentityEvent pgp = event();
    pgp.getSubjects().add("subject@domain.com");
    pgp.getKeyFingerprints().add("0123");
    assertThat(types(w.match(pgp))).containsExactly(RuleType.SUBJECT);
    pgp.getSubjects().set(0, "subjectXdomain.com");
    assertThat(w.match(pgp)).isEmpty();
  }

  @Test
  void fingerprintsMatchExactly() throws Exception {
    Watchlist w = watchlist();
    IdentityEvent key = event();
    key.getKeyFingerprints().add("A0B1C2D3E4F5");
    assertThat(types(w.match(key))).containsExactly(RuleType.FINGERPRINT);
    key.getKeyFingerprints().set(0, "a0b1c2d3e4f5");
    assertThat(w.match(key)).isEmpty();
    key.getKeyFingerprints().set(0, "A0B1C2D3E4F5FF");
    assertThat(w.match(key)).isEmpty();
    IdentityEvent c = cert("x@y.z", GITHUB, Map.of());
    c.setCertFingerprint("A0B1C2D3E4F5");
    assertThat(types(w.match(c))).containsExactly(RuleType.FINGERPRINT);
  }

  @Test
  void fulcioExtensionByNameAndCustomExtensionByOidMatchExactValues() throws Exception {
    Watchlist w = watchlist();
    assertThat(types(w.match(cert("a@b.c", GITHUB,
        Map.of("1.3.6.1.4.1.57264.1.18", "https://example.com/owner/repository/build-config.yml")))))
        .containsExactly(RuleType.FULCIO_EXTENSION);
    assertThat(w.match(cert("a@b.c", GITHUB,
        Map.of("1.3.6.1.4.1.57264.1.18", "https://example.com/owner/repository/build-config.yml?x")))).isEmpty();
    String slsa = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@v1.4.0";
    assertThat(types(w.match(cert("a@b.c", GITHUB, Map.of("1.3.6.1.4.1.57264.1.9", slsa)))))
        .containsExactly(RuleType.OID_EXTENSION);
    assertThat(w.match(cert("a@b.c", GITHUB, Map.of("1.3.6.1.4.1.57264.1.12", slsa)))).isEmpty();
  }

  @Test
  void oidMatchersLayoutWithIntegerArcs() throws Exception {
    MonitoredValues mv = new ObjectMapper(new YAMLFactory()).readValue("""
        oidMatchers:
          oidExtensions:
            - objectIdentifier: [1, 3, 6, 1, 4, 1, 57264, 1, 12]
              extensionValues: ["https://github.com/acme/app"]
          fulcioExtensions:
            issuer: ["https://accounts.google.com"]
        """, MonitoredValues.class);
    Watchlist w = Watchlist.of(WatchRules.from(mv, 0));
    assertThat(types(w.match(cert("a@b.c", GITHUB, Map.of("1.3.6.1.4.1.57264.1.12", "https://github.com/acme/app")))))
        .containsExactly(RuleType.OID_EXTENSION);
    assertThat(types(w.match(cert("a@b.c", "https://accounts.google.com", Map.of()))))
        .containsExactly(RuleType.FULCIO_EXTENSION);
  }

  @Test
  void invalidRulesAreNamed() {
    WatchRule bad = WatchRules.rule(RuleType.CERT_IDENTITY, "ops@(acme", List.of(), null, null, List.of(), 0);
    assertThat(Watchlist.problem(bad)).startsWith("rule " + bad.getRuleId() + " (CERT_IDENTITY): 'ops@(acme' is not a valid regular expression");
    WatchRule name = WatchRules.rule(RuleType.FULCIO_EXTENSION, null, List.of(), null, "build-conf", List.of("x"), 0);
    assertThatThrownBy(() -> Watchlist.of(List.of(name))).hasMessageContaining("'build-conf' is not a Fulcio extension name");
  }

  @Test
  void oidExtensionsAcceptADottedStringAsWellAsIntegerArcs() throws Exception {
    MonitoredValues mv = new ObjectMapper(new YAMLFactory()).readValue("""
        oidMatchers:
          oidExtensions:
            - objectIdentifier: "1.3.6.1.4.1.57264.1.12"
              extensionValues: ["https://github.com/acme/app"]
            - objectIdentifier: [1, 3, 6, 1, 4, 1, 57264, 1, 12]
              extensionValues: ["https://github.com/acme/app"]
        """, MonitoredValues.class);
    assertThat(mv.problems()).isEmpty();
    List<WatchRule> rules = WatchRules.from(mv, 0);
    assertThat(rules).extracting(WatchRule::getOid).containsOnly("1.3.6.1.4.1.57264.1.12");
    Watchlist w = Watchlist.of(rules);
    assertThat(types(w.match(cert("a@b.c", GITHUB, Map.of("1.3.6.1.4.1.57264.1.12", "https://github.com/acme/app")))))
        .containsOnly(RuleType.OID_EXTENSION);
    MonitoredValues bad = new ObjectMapper(new YAMLFactory()).readValue("""
        oidMatchers:
          oidExtensions:
            - objectIdentifier: "1.3.six.1"
              extensionValues: ["x"]
        """, MonitoredValues.class);
    assertThat(bad.problems()).singleElement().asString()
        .startsWith("monitoredValues.oidMatchers.oidExtensions[0].objectIdentifier [1, 3, null, 1] is not an OID");
  }

  @Test
  void constructsGoRe2LacksAreRejectedAtLoadNamingTheRule() throws Exception {
    MonitoredValues mv = new ObjectMapper(new YAMLFactory()).readValue("""
        certIdentities:
          - certSubject: 'ops@acme\\.com'
          - certSubject: '(?<=ops)@acme\\.com'
        subjects:
          - '(a)\\1'
        """, MonitoredValues.class);
    assertThat(mv.problems()).hasSize(2);
    assertThat(mv.problems().get(0)).startsWith(
        "monitoredValues.certIdentities[1].certSubject is not a valid regular expression '(?<=ops)@acme\\.com'");
    assertThat(mv.problems().get(1)).startsWith("monitoredValues.subjects[0] is not a valid regular expression '(a)\\1'");
    WatchRule lookahead = WatchRules.rule(RuleType.CERT_IDENTITY, "ops(?=@)", List.of(), null, null, List.of(), 0);
    assertThat(Watchlist.problem(lookahead)).startsWith("rule " + lookahead.getRuleId() + " (CERT_IDENTITY): 'ops(?=@)' is not a valid regular expression");
  }

  @Test
  void regexesHaveGoRe2Semantics() {
    // Go's regexp (RE2): \\z, \\pL, (?i) and non-greedy work; '$' without (?m) is end of text, not before a final \\n.
    Watchlist w = Watchlist.of(List.of(
        WatchRules.rule(RuleType.CERT_IDENTITY, "(?i)^OPS@acme\\.com$", List.of(), null, null, List.of(), 0)));
    assertThat(w.match(cert("ops@acme.com", GITHUB, Map.of()))).hasSize(1);
    assertThat(w.match(cert("ops@acme.com\n", GITHUB, Map.of()))).isEmpty(); // java.util.regex would match
  }
}
