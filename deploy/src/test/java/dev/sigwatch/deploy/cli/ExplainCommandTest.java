package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.ct.ExtraData;
import dev.sigwatch.core.ct.MerkleTreeLeaf;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.TimestampedEntry;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExplainCommandTest {
  static final Path FX = Path.of(System.getProperty("sigwatch.fixtures"));
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  Path config() throws Exception {
    return Files.writeString(tmp.resolve("sigwatch.yaml"), String.join("\n",
        "dataDir: " + tmp.resolve("data"),
        "monitoredValues:",
        "  certIdentities:",
        "    - certSubject: extremely-dangerous-public-oidc-beacon",
        "      issuers: ['^https://token\\.actions\\.githubusercontent\\.com$']",
        "    - certSubject: '@dehamer\\.com$'",
        "      issuers: ['^https://gitlab\\.com$']",
        "    - certSubject: '^untrusted-sa@sigstore-conformance\\.iam\\.gserviceaccount\\.com$'",
        "    - certSubject: '^carol@example\\.com$'",
        "  subjects: ['^nobody@']",
        "  fulcioExtensions:",
        "    build-signer-uri: ['https://example.com/nope']",
        ""));
  }

  JsonNode explain(Path entry) throws Exception {
    CommandLine cl = new CommandLine(new ExplainCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("--config", config().toString(), entry.toString());
    assertThat(code).as(err.toString()).isZero();
    return JSON.readTree(out.toString());
  }

  /** certs/index.json's record of the certificate with this SHA-256. */
  static JsonNode indexed(String sha256) throws Exception {
    for (JsonNode c : JSON.readTree(FX.resolve("certs/index.json").toFile())) {
      if (c.get("sha256_der").asText().equals(sha256)) {
        return c;
      }
    }
    throw new AssertionError("not in certs/index.json: " + sha256);
  }

  static List<String> sans(JsonNode identity) {
    List<String> out = new ArrayList<>();
    identity.get("sans").forEach(s -> out.add(s.get("value").asText()));
    return out;
  }

  static JsonNode notMatched(JsonNode identity, String ruleText) {
    for (JsonNode n : identity.get("notMatched")) {
      if (n.get("rule").asText().contains(ruleText)) {
        return n;
      }
    }
    throw new AssertionError("no notMatched rule containing " + ruleText + " in " + identity);
  }

  @Test
  void rekorV1DsseEntryNamesTheBeaconIdentityAndTheRuleThatMatches() throws Exception {
    JsonNode out = explain(FX.resolve("rekor-v1/entries/derived-prod-dsse-logIndex155690850-shard2.json"));
    assertThat(out.get("rules").asInt()).isEqualTo(6);
    JsonNode id = out.get("identities").get(0);
    JsonNode want = indexed(id.get("certFingerprint").asText());
    assertThat(want.get("file").asText()).isEqualTo("prod-github-actions-conformance-beacon-2024-12.pem");
    assertThat(sans(id)).containsExactlyElementsOf(JSON.convertValue(want.get("san"), List.class));
    assertThat(id.get("oidcIssuer").asText()).isEqualTo(want.get("fulcio_extensions").get("1.3.6.1.4.1.57264.1.8").asText());
    assertThat(id.get("extensions").get("1.3.6.1.4.1.57264.1.5").asText())
        .isEqualTo("sigstore-conformance/extremely-dangerous-public-oidc-beacon");
    assertThat(id.get("matches")).singleElement().satisfies(m -> {
      assertThat(m.get("type").asText()).isEqualTo("CERT_IDENTITY");
      assertThat(m.get("why").asText()).isEqualTo("SAN uri '" + want.get("san").get(0).asText()
          + "' matches certSubject /extremely-dangerous-public-oidc-beacon/, issuer "
          + "'https://token.actions.githubusercontent.com' matches /^https://token\\.actions\\.githubusercontent\\.com$/");
    });
    assertThat(notMatched(id, "carol").get("whyNot").asText()).isEqualTo("no SAN matches certSubject "
        + "/^carol@example\\.com$/ (SANs: [" + want.get("san").get(0).asText() + "])");
    assertThat(notMatched(id, "build-signer-uri").get("whyNot").asText()).isEqualTo("extension "
        + "1.3.6.1.4.1.57264.1.9 = '" + want.get("fulcio_extensions").get("1.3.6.1.4.1.57264.1.9").asText()
        + "', not one of [https://example.com/nope]");
    assertThat(notMatched(id, "nobody").get("whyNot").asText()).isEqualTo("the signer names no subject");
  }

  @Test
  void ruleWhoseIssuerDiffersExplainsWhyNot() throws Exception {
    JsonNode out = explain(FX.resolve("rekor-v1/entries/derived-prod-intoto-v002-logIndex27244980-shard1.json"));
    JsonNode id = out.get("identities").get(0);
    assertThat(indexed(id.get("certFingerprint").asText()).get("file").asText())
        .isEqualTo("prod-github-oauth-email-2023-07.pem");
    assertThat(sans(id)).containsExactly("brian@dehamer.com");
    assertThat(id.get("matches")).isEmpty();
    assertThat(notMatched(id, "dehamer").get("whyNot").asText()).isEqualTo("SAN 'brian@dehamer.com' matches "
        + "certSubject /@dehamer\\.com$/, but issuer 'https://github.com/login/oauth' matches none of [^https://gitlab\\.com$]");
  }

  @Test
  void rekorV2EntryMatchesTheServiceAccount() throws Exception {
    JsonNode out = explain(FX.resolve("rekor-v2/entries/prod-log2025-1-logIndex4855114-tlog-entry.json"));
    JsonNode id = out.get("identities").get(0);
    assertThat(id.get("logIndex").asLong()).isEqualTo(4855114L);
    assertThat(indexed(id.get("certFingerprint").asText()).get("file").asText())
        .isEqualTo("prod-google-service-account-ext24-2026-06.pem");
    assertThat(id.get("matches")).singleElement().satisfies(m ->
        assertThat(m.get("identity").asText()).isEqualTo("untrusted-sa@sigstore-conformance.iam.gserviceaccount.com"));
  }

  @Test
  void ctLeafNamesThePrecertificateIdentity() throws Exception {
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    SimCa ca = new SimCa(t.minusSeconds(86_400));
    IssuedCert c = ca.issue(Identity.email("carol@example.com", "https://accounts.google.com"), t, List.of());
    TimestampedEntry te = TimestampedEntry.precert(t.toEpochMilli(),
        PrecertTbs.issuerKeyHash(ca.intermediate().getPublicKey()), PrecertTbs.fromPrecertificate(c.precertificate()),
        new byte[0]);
    ExtraData extra = new ExtraData(c.precertificate().getEncoded(),
        List.of(ca.intermediate().getEncoded(), ca.root().getEncoded()));
    Path leaf = Files.writeString(tmp.resolve("leaf.json"), JSON.createObjectNode()
        .put("leaf_input", Base64.getEncoder().encodeToString(new MerkleTreeLeaf(te).encode()))
        .put("extra_data", Base64.getEncoder().encodeToString(extra.encode())).toString());
    JsonNode id = explain(leaf).get("identities").get(0);
    assertThat(id.get("source").asText()).isEqualTo("CT");
    assertThat(sans(id)).containsExactly("carol@example.com");
    assertThat(id.get("oidcIssuer").asText()).isEqualTo("https://accounts.google.com");
    assertThat(id.get("matches")).singleElement().satisfies(m -> assertThat(m.get("why").asText())
        .isEqualTo("SAN email 'carol@example.com' matches certSubject /^carol@example\\.com$/"));
  }

  @Test
  void unparseableEntrySaysWhyAndExitsOne() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.json"), "[1, 2]");
    CommandLine cl = new CommandLine(new ExplainCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--config", config().toString(), bad.toString())).isEqualTo(1);
    assertThat(err.toString().trim()).isEqualTo("sigwatch explain: " + bad + ": entry file must hold a JSON object");
  }

  @Test
  void helpExplainsTheOutput() {
    CommandLine cl = new CommandLine(new ExplainCommand());
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString()).contains("Usage: explain", "ENTRY_FILE", "--config", "whyNot", "CT leaf");
  }
}
