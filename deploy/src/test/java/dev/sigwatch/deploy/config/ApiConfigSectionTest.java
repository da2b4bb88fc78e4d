package dev.sigwatch.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.alert.api.ApiSettings;
import dev.sigwatch.alert.api.ApiToken;
import dev.sigwatch.alert.api.Scope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigSectionTest {
  private final ConfigLoader loader = new ConfigLoader(Map.of("ADMIN_HASH", "ab".repeat(32))::get);

  @Test
  void defaultsServeOnLoopbackWithNoTokens() throws ConfigException {
    ApiSettings s = loader.parse("dataDir: /tmp/x\n", "c.yaml").api().toSettings();
    assertThat(s.bind()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(9480);
    assertThat(s.tokens()).isEmpty();
    assertThat(loader.parse("{}", "c.yaml").api().enabled()).isTrue();
  }

  @Test
  void tokensAreReadAsHashesWithScopes() throws ConfigException {
    String t = ApiToken.generate();
    ApiSettings s = loader.parse("""
        api:
          port: 0
          requestsPerSecond: 5
          tokens:
            - name: ops
              scope: admin
              sha256: ${ADMIN_HASH}
            - {name: grafana, scope: READ, sha256: %s}
        """.formatted(ApiToken.hash(t)), "c.yaml").api().toSettings();
    assertThat(s.tokens()).extracting(ApiToken::name, ApiToken::scope)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ops", Scope.ADMIN),
            org.assertj.core.groups.Tuple.tuple("grafana", Scope.READ));
    assertThat(s.tokens().get(0).sha256Hex()).isEqualTo("ab".repeat(32));
    assertThat(s.requestsPerSecond()).isEqualTo(5.0);
  }

  @Test
  void badEntriesAreNamed() {
    assertThatThrownBy(() -> loader.parse("api:\n  tokens:\n    - {name: ops, scope: root, sha256: "
        + "ab".repeat(32) + "}\n", "c.yaml"))
        .hasMessageContaining("api.tokens[0]: scope must be read or admin, was 'root'");
    assertThatThrownBy(() -> loader.parse("api:\n  tokens:\n    - {name: ops, scope: read, sha256: swt_plain}\n",
        "c.yaml")).hasMessageContaining("api.tokens[0]: token ops: sha256 must be 64 hex digits");
    assertThatThrownBy(() -> loader.parse("api:\n  port: 70000\n", "c.yaml"))
        .hasMessageContaining("api.port must be 0..65535, was 70000");
    assertThatThrownBy(() -> loader.parse("api:\n  token: []\n", "c.yaml")).hasMessageContaining("unknown key");
  }
}
