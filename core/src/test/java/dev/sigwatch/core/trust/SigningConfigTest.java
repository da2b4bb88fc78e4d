package dev.sigwatch.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SigningConfigTest {
  private static SigningConfig load(String rel) throws TrustException {
    return SigningConfig.load(TrustFixtures.path(rel));
  }

  @Test
  void stagingRekorV2ShardsFollowEachOther() throws Exception {
    SigningConfig c = load("trust/staging/signing_config_rekor_v2.v0.2.json");
    assertThat(c.rekorTlogUrls()).hasSize(4);
    assertThat(c.rekorLogs(2, Instant.parse("2025-06-01T00:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://log2025-alpha1.rekor.sigstage.dev");
    assertThat(c.rekorLogs(2, Instant.parse("2025-09-01T00:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://log2025-alpha2.rekor.sigstage.dev");
    // End is exclusive: at alpha2's end, alpha3 takes over.
    assertThat(c.rekorLogs(2, Instant.parse("2025-09-22T11:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://log2025-alpha3.rekor.sigstage.dev");
    assertThat(c.rekorLogs(1, Instant.parse("2025-09-01T00:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://rekor.sigstage.dev");
    assertThat(c.caUrls()).extracting(ServiceEndpoint::url).containsExactly("https://fulcio.sigstage.dev");
    assertThat(c.tsaUrls().get(0).operator()).isEqualTo("sigstore.dev");
  }

  @Test
  void productionConfigs() throws Exception {
    SigningConfig v1Only = load("trust/production/signing_config.v0.2.json");
    assertThat(v1Only.rekorTlogUrls()).extracting(ServiceEndpoint::majorApiVersion).containsExactly(1);
    assertThat(v1Only.rekorTlogUrls().get(0).validFor().start()).isEqualTo(Instant.parse("2021-01-12T11:53:27Z"));
    SigningConfig v2 = load("trust/production/signing_config_rekor_v2.v0.2.json");
    assertThat(v2.rekorLogs(2, Instant.parse("2025-12-31T23:59:59Z"))).isEmpty();
    assertThat(v2.rekorLogs(2, Instant.parse("2026-01-01T00:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://log2025-1.rekor.sigstore.dev");
    SigningConfig staging = load("trust/staging/signing_config.v0.2.json");
    assertThat(staging.rekorLogs(2, Instant.parse("2026-07-01T00:00:00Z")))
        .extracting(ServiceEndpoint::url).containsExactly("https://global.rekor.sigstage.dev");
  }

  @Test
  void reportsWhatIsWrong() {
    assertThatThrownBy(() -> SigningConfig.parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.1+json\"}"))
        .isInstanceOf(TrustException.class)
        .hasMessage("signing config media type must be application/vnd.dev.sigstore.signingconfig.v0.2+json, "
            + "but was: \"application/vnd.dev.sigstore.signingconfig.v0.1+json\"");
    assertThatThrownBy(() -> SigningConfig.parse("{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
        + "\"rekorTlogUrls\":[{\"url\":\"https://r\",\"majorApiVersion\":\"x\",\"validFor\":{\"start\":\"2025-01-01T00:00:00Z\"}}]}"))
        .hasMessage("rekorTlogUrls[0].majorApiVersion must be a positive number, but was: \"x\"");
  }
}
