package dev.sigwatch.simulator.ca;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a simulated Fulcio certificate is issued to: the SAN (email or URI), the OIDC issuer, and extra Fulcio
 * extensions keyed by the last arc of {@code 1.3.6.1.4.1.57264.1.<arc>} (arcs 2-6 are written raw, 9 and up as DER
 * UTF8String, as Fulcio does; arcs 1 and 8 are always written from {@code issuer}).
 */
public record Identity(SanType sanType, String san, String issuer, Map<Integer, String> extensions) {
  /** The kind of subject alternative name. */
  public enum SanType { EMAIL, URI }

  public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

  public Identity {
    if (sanType == null || san == null || san.isEmpty()) throw new IllegalArgumentException("san must be set");
    if (issuer == null || issuer.isEmpty()) throw new IllegalArgumentException("issuer must be set");
    extensions = Map.copyOf(extensions);
  }

  public static Identity email(String address, String issuer) {
    return new Identity(SanType.EMAIL, address, issuer, Map.of());
  }

  /** A GitHub Actions workflow identity, with the legacy (1.2-1.6) and current (1.9-1.22) workflow extensions. */
  public static Identity githubWorkflow(String repo, String workflowPath, String ref) {
    // a 40-hex-digit commit: 8 digits from the inputs (zero-padded: a small hash code has fewer), then zeros
    String sha = String.format("%08x", Math.abs((repo + workflowPath + ref).hashCode())) + "0".repeat(32);
    String uri = "https://github.com/" + repo + "/" + workflowPath + "@" + ref;
    Map<Integer, String> x = new LinkedHashMap<>();
    x.put(2, "push");
    x.put(3, sha);
    x.put(4, workflowPath.substring(workflowPath.lastIndexOf('/') + 1));
    x.put(5, repo);
    x.put(6, ref);
    x.put(9, uri);
    x.put(10, sha);
    x.put(11, "github-hosted");
    x.put(12, "https://github.com/" + repo);
    x.put(13, sha);
    x.put(14, ref);
    x.put(16, "https://github.com/" + repo.substring(0, repo.indexOf('/')));
    x.put(18, uri);
    x.put(19, sha);
    x.put(20, "push");
    x.put(21, "https://github.com/" + repo + "/actions/runs/1/attempts/1");
    x.put(22, "public");
    return new Identity(SanType.URI, uri, GITHUB_ISSUER, x);
  }
}
