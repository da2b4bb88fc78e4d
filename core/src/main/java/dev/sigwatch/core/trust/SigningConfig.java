package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  public SigningConfig {
    rekorTlogUrls = List.copyOf(rekorTlogUrls);
    caUrls = List.copyOf(caUrls);
    oidcUrls = List.copyOf(oidcUrls);
    tsaUrls = List.copyOf(tsaUrls);
  }

  /** Reads a signing config file. */
  public static SigningConfig load(Path file) throws TrustException {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TrustException("reading signing config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON of a v0.2 signing config. */
  public static SigningConfig parse(String json) throws TrustException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new TrustException("signing config is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TrustException("signing config must be a JSON object");
    }
    String mediaType = root.path("mediaType").asText("");
    if (!mediaType.equals("application/vnd.dev.sigstore.signingconfig.v0.2+json")) {
      throw new TrustException(
          "signing config media type must be application/vnd.dev.sigstore.signingconfig.v0.2+json, but was: \""
              + mediaType + "\"");
    }
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
