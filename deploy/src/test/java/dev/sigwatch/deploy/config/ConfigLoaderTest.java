package dev.sigwatch.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of("SMTP_PASSWORD", "s3cret", "REGISTRY", "http://reg:8080")::get);

  /** The monitoredValues block of rekor-monitor's README example, verbatim. */
  private static final String REKOR_MONITOR_README = """
      monitoredValues:
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

  @Test
  void acceptsRekorMonitorsMonitoredValuesUnchanged() throws Exception {
    SigwatchConfig c = loader.parse(REKOR_MONITOR_README, "readme.yaml");
    var mv = c.monitoredValues();
    assertThat(mv.certIdentities()).hasSize(3);
    assertThat(mv.certIdentities().get(1).issuers()).containsExactly("https://accounts\\.google\\.com", "https://github\\.com/login");
    assertThat(mv.subjects()).containsExactly("subject@domain\\.com");
    assertThat(mv.fingerprints()).containsExactly("A0B1C2D3E4F5");
    assertThat(mv.allFulcioExtensions()).containsEntry("build-config-uri",
        List.of("https://example.com/owner/repository/build-config.yml"));
    assertThat(mv.allCustomExtensions()).singleElement().satisfies(ce -> {
      assertThat(ce.objectIdentifier()).isEqualTo("1.3.6.1.4.1.57264.1.9");
      assertThat(ce.extensionValues()).hasSize(1);
    });
  }

  @Test
  void acceptsTheOidMatchersLayoutOfRekorMonitorsConfigStruct() throws Exception {
    SigwatchConfig c = loader.parse("""
        monitoredValues:
          oidMatchers:
            oidExtensions:
              - objectIdentifier: [1, 3, 6, 1, 4, 1, 57264, 1, 12]
                extensionValues: ["https://github.com/acme/app"]
            fulcioExtensions:
              build-signer-uri: ["https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"]
            customExtensions:
              - objectIdentifier: 1.3.6.1.4.1.57264.1.20
                extensionValues: [push]
        """, "oid.yaml");
    var m = c.monitoredValues();
    assertThat(m.oidMatchers().oidExtensions().get(0).objectIdentifier()).containsExactly(1, 3, 6, 1, 4, 1, 57264, 1, 12);
    assertThat(m.allFulcioExtensions()).containsKey("build-signer-uri");
    assertThat(m.allCustomExtensions()).extracting(MonitoredValuesAccess::oid).containsExactly("1.3.6.1.4.1.57264.1.20");
  }

  @Test
  void unknownKeyIsNamedWithTheKnownAlternatives() {
    assertThatThrownBy(() -> loader.parse("kafka:\n  bootstrapServer: localhost:9092\n", "x.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("x.yaml: unknown key 'kafka.bootstrapServer'")
        .hasMessageContaining("bootstrapServers");
  }

  @Test
  void badRegexIsNamedByItsPath() {
    assertThatThrownBy(() -> loader.parse("monitoredValues:\n  certIdentities:\n    - certSubject: 'ops@(acme.com'\n", "x.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("monitoredValues.certIdentities[0].certSubject is not a valid regular expression 'ops@(acme.com'");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> loader.parse("trustedRoot: " + missing + "\n", "x.yaml"))
        .hasMessageContaining("trustedRoot " + missing + " does not exist");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .hasMessageContaining("absent.yaml does not exist");
  }

  @Test
  void badLogTypeAndUrlAreNamed() {
    assertThatThrownBy(() -> loader.parse("logs:\n  - type: rekor-v3\n    url: ftp://x\n", "x.yaml"))
        .hasMessageContaining("logs[0].type is 'rekor-v3': use one of rekor-v1, rekor-v2, ct, static-ct")
        .hasMessageContaining("logs[0].url 'ftp://x' is not an http(s) URL");
  }

  @Test
  void environmentVariablesAreSubstitutedInValuesOnly() throws Exception {
    SigwatchConfig c = loader.parse("""
        kafka:
          schemaRegistryUrl: ${REGISTRY}
          properties:
            sasl.password: ${SMTP_PASSWORD}
            other: ${UNSET_ONE:-fallback}
        """, "env.yaml");
    assertThat(c.kafka().schemaRegistryUrl()).isEqualTo("http://reg:8080");
    assertThat(c.kafka().properties()).containsEntry("sasl.password", "s3cret").containsEntry("other", "fallback");
  }

  @Test
  void unsetEnvironmentVariableIsAnError() {
    assertThatThrownBy(() -> loader.parse("kafka:\n  bootstrapServers: ${NOT_SET_ANYWHERE}\n", "x.yaml"))
        .hasMessageContaining("kafka.bootstrapServers refers to environment variable NOT_SET_ANYWHERE, which is not set");
  }

  @Test
  void emptyFileMeansDefaults(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("empty.yaml"), "");
    SigwatchConfig c = loader.load(f);
    assertThat(c.embeddedKafka()).isTrue();
    assertThat(c.embeddedKafkaDir()).isEqualTo(c.dataDir().resolve("kafka"));
    assertThat(c.monitoredValues().isEmpty()).isTrue();
  }

  @Test
  void fullExampleConfigInTheRepoIsValid() throws Exception {
    // Surefire runs in the module directory.
    SigwatchConfig c = loader.load(Path.of("config/example.yaml"));
    assertThat(c.monitoredValues().certIdentities()).isNotEmpty();
  }

  /** Small accessor so the assertion above reads as a property. */
  static final class MonitoredValuesAccess {
    static String oid(dev.sigwatch.match.watchlist.MonitoredValues.CustomExtension e) {
      return e.objectIdentifier();
    }
  }
}
