package dev.sigwatch.match.watchlist;

import dev.sigwatch.core.x509.FulcioOids;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * rekor-monitor's {@code fulcioExtensions} keys (Fulcio's {@code certificate.Extensions} YAML names, e.g.
 * {@code build-config-uri}) and sigwatch's camelCase names ({@code buildConfigURI}), mapped to dotted OIDs.
 * {@code issuer} means the OIDC issuer (1.8, falling back to the deprecated 1.1), as in Fulcio.
 */
public final class FulcioExtensionNames {
  /** Pseudo-OID for "the OIDC issuer, 1.8 or 1.1". */
  public static final String OIDC_ISSUER = "issuer";

  private static final Map<String, String> BY_NAME = new HashMap<>();

  static {
    String[] kebab = {null, null, "github-workflow-trigger", "github-workflow-sha", "github-workflow-name",
        "github-workflow-repository", "github-workflow-ref", null, null, "build-signer-uri", "build-signer-digest",
        "runner-environment", "source-repository-uri", "source-repository-digest", "source-repository-ref",
        "source-repository-identifier", "source-repository-owner-uri", "source-repository-owner-identifier",
        "build-config-uri", "build-config-digest", "build-trigger", "run-invocation-uri",
        "source-repository-visibility-at-signing", "deployment-environment", "token-subject"};
    for (int arc = 1; arc < kebab.length; arc++) {
      String oid = FulcioOids.ARC + arc;
      if (kebab[arc] != null) {
        BY_NAME.put(kebab[arc], oid);
      }
      String camel = FulcioOids.name(oid);
      if (!camel.equals("unknown") && arc != 7 && arc != 8) {
        BY_NAME.put(camel, oid);
      }
    }
    BY_NAME.put(OIDC_ISSUER, OIDC_ISSUER);
  }

  private FulcioExtensionNames() {}

  /** The dotted OID named, {@link #OIDC_ISSUER} for {@code issuer}, or empty for an unknown name. */
  public static Optional<String> oid(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}
