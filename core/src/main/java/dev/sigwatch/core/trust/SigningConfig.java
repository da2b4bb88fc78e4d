package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Sigstore signing config ({@code application/vnd.dev.sigstore.signingconfig.v0.2+json}): which
 * Rekor, Fulcio, OIDC and TSA URLs clients use, with API versions and validity periods. A monitor
 * reads it to learn which Rekor v2 shards exist and when each starts and stops taking entries.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @param rekorTlogUrls Rekor logs (v1 and v2 shards)
 * @param caUrls Fulcio URLs
 * @param oidcUrls OIDC provider URLs
 * @param tsaUrls timestamp authority URLs
 */
public record SigningConfig(
    List<ServiceEndpoint> rekorTlogUrls,
    List<ServiceEndpoint> caUrls,
    List<ServiceEndpoint> oidcUrls,
    List<ServiceEndpoint> tsaUrls) {
  public SigningConfig {
    rekorTlogUrls = List.copyOf(rekorTlogUrls);
    caUrls = List.copyOf(caUrls);
    oidcUrls = List.copyOf(oidcUrls);
    tsaUrls = List.copyOf(tsaUrls);
  }

  /** Reads a signing config file. */
  public static SigningConfig load(Path file) throws TrustException {
    return parse(TrustJson.read(file, "signing config"));
  }

  /** Parses the JSON of a v0.2 signing config. */
  public static SigningConfig parse(String json) throws TrustException {
    String v02 = "application/vnd.dev.sigstore.signingconfig.v0.2+json";
    JsonNode root = TrustJson.object(json, "signing config", v02::equals, v02);
    return new SigningConfig(
        endpoints(root.path("rekorTlogUrls"), "rekorTlogUrls"),
        endpoints(root.path("caUrls"), "caUrls"),
        endpoints(root.path("oidcUrls"), "oidcUrls"),
        endpoints(root.path("tsaUrls"), "tsaUrls"));
  }

  private static List<ServiceEndpoint> endpoints(JsonNode array, String field) throws TrustException {
    List<ServiceEndpoint> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String where = field + "[" + i + "]";
      JsonNode version = n.get("majorApiVersion");
      if (version == null || !version.canConvertToInt() || version.asInt() < 1) {
        throw new TrustException(where + ".majorApiVersion must be a positive number, but was: " + version);
      }
      out.add(
          new ServiceEndpoint(
              TrustedRoot.text(n, "url", where),
              version.asInt(),
              TrustedRoot.validity(n.path("validFor"), where),
              n.path("operator").asText("")));
    }
    return out;
  }

  /** The Rekor logs of the given major API version that clients should use at {@code at}. */
  public List<ServiceEndpoint> rekorLogs(int majorApiVersion, Instant at) {
    return rekorTlogUrls.stream()
        .filter(e -> e.majorApiVersion() == majorApiVersion && e.isValidAt(at))
        .toList();
  }
}
