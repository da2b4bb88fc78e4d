package dev.sigwatch.core.x509;

import java.util.Map;

/**
 * Sigstore's Fulcio certificate extension OIDs (arc 1.3.6.1.4.1.57264.1) and their names, as in Fulcio's
 * docs/oid-info.md (the deprecated issuer 1.1 is named {@code issuerV1}, the current one 1.8 {@code issuer}).
 * 1.1–1.6 hold raw UTF-8 bytes; 1.8 and above hold a DER UTF8String; 1.7 is not an extension but the
 * type-id of the otherName SAN that carries a username.
 */
public final class FulcioOids {
  /** Prefix of every Fulcio extension OID, including the final dot. */
  public static final String ARC = "1.3.6.1.4.1.57264.1.";
  /** Deprecated issuer extension, raw UTF-8. */
  public static final String ISSUER_V1 = ARC + "1";
  /** otherName SAN type-id for usernames (value: UTF8String). */
  public static final String OTHER_NAME_SAN = ARC + "7";
  /** Issuer extension, DER UTF8String. */
  public static final String ISSUER_V2 = ARC + "8";
  /** Highest arc number whose value is raw bytes rather than DER. */
  static final int LAST_RAW_ARC = 6;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(1, "issuerV1"),
      Map.entry(2, "githubWorkflowTrigger"),
      Map.entry(3, "githubWorkflowSha"),
      Map.entry(4, "githubWorkflowName"),
      Map.entry(5, "githubWorkflowRepository"),
      Map.entry(6, "githubWorkflowRef"),
      Map.entry(7, "otherName"),
      Map.entry(8, "issuer"),
      Map.entry(9, "buildSignerURI"),
      Map.entry(10, "buildSignerDigest"),
      Map.entry(11, "runnerEnvironment"),
      Map.entry(12, "sourceRepositoryURI"),
      Map.entry(13, "sourceRepositoryDigest"),
      Map.entry(14, "sourceRepositoryRef"),
      Map.entry(15, "sourceRepositoryIdentifier"),
      Map.entry(16, "sourceRepositoryOwnerURI"),
      Map.entry(17, "sourceRepositoryOwnerIdentifier"),
      Map.entry(18, "buildConfigURI"),
      Map.entry(19, "buildConfigDigest"),
      Map.entry(20, "buildTrigger"),
      Map.entry(21, "runInvocationURI"),
      Map.entry(22, "sourceRepositoryVisibilityAtSigning"),
      Map.entry(23, "deploymentEnvironment"),
      Map.entry(24, "tokenSubject"));

  /** {@link #NAMES} by arc number, "unknown" where undocumented. */
  private static final String[] BY_ARC = new String[32];

  static {
    java.util.Arrays.fill(BY_ARC, "unknown");
    NAMES.forEach((arc, name) -> BY_ARC[arc] = name);
  }

  private FulcioOids() {}

  /**
   * Returns the last arc of a Fulcio OID ({@code 1.3.6.1.4.1.57264.1.N} → N), or -1 if {@code oid} is not
   * a direct child of the Fulcio arc.
   */
  public static int arc(String oid) {
    if (!oid.startsWith(ARC) || oid.length() == ARC.length()) {
      return -1;
    }
    int n = 0;
    for (int i = ARC.length(); i < oid.length(); i++) {
      char c = oid.charAt(i);
      if (c < '0' || c > '9' || n > 100_000) {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** The documented name of a Fulcio OID, or {@code "unknown"} for an arc not documented yet. */
  public static String name(String oid) {
    return name(arc(oid));
  }

  /** The documented name of arc number {@code arc}, or {@code "unknown"}. */
  static String name(int arc) {
    return arc > 0 && arc < BY_ARC.length ? BY_ARC[arc] : "unknown";
  }
}
