package dev.sigwatch.match.authorize;

import dev.sigwatch.schemas.Authorization;
import dev.sigwatch.schemas.IdentityEvent;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expected signings ({@code sigwatch authorize}): an entry whose artifact digest, certificate, precertificate TBS or
 * GitHub workflow run ({@code 1.3.6.1.4.1.57264.1.21}) is listed is the user's own, so a watchlist match on it is an
 * INFO "authorized" alert, not HIGH. Immutable snapshot; lookups are hash-map gets.
 */
public final class Authorizations {
  public static final Authorizations EMPTY = new Authorizations(Map.of());

  /** The Fulcio extension holding the run invocation URI of a GitHub workflow run. */
  public static final String RUN_INVOCATION_URI = "1.3.6.1.4.1.57264.1.21";

  /** What an authorization names. */
  public enum Kind {
    ARTIFACT_DIGEST, CERTIFICATE, TBS, WORKFLOW_RUN;

    /** The value as compared: digests and hashes lower-case; a workflow run URI as given. */
    public String normalize(String value) {
      String v = value.strip();
      return this == WORKFLOW_RUN ? v : v.toLowerCase(Locale.ROOT);
    }
  }

  private final Map<String, Authorization> byKey;

  private Authorizations(Map<String, Authorization> byKey) {
    this.byKey = Map.copyOf(byKey);
  }

  /** The authorization id of {@code kind}:{@code value} (the compacted topic's key). */
  public static String id(Kind kind, String value) {
    return kind.name() + ":" + kind.normalize(value);
  }

  /** A problem with {@code a}, or null. */
  public static String problem(Authorization a) {
    Kind k;
    try {
      k = Kind.valueOf(a.getKind());
    } catch (IllegalArgumentException e) {
      return "authorization " + a.getAuthorizationId() + ": kind must be one of " + Set.of(Kind.values()) + ", was "
          + a.getKind();
    }
    String v = k.normalize(a.getValue());
    if (v.isEmpty()) return "authorization " + a.getAuthorizationId() + ": empty value";
    boolean hex = v.matches("[0-9a-f]{64}");
    return switch (k) {
      case CERTIFICATE, TBS -> hex ? null : "authorization " + a.getAuthorizationId() + ": " + k
          + " must be a hex SHA-256 (64 hex digits), was " + v;
      case ARTIFACT_DIGEST -> v.matches("[a-z0-9]+:[0-9a-f]+") ? null : "authorization " + a.getAuthorizationId()
          + ": ARTIFACT_DIGEST must be algo:hex (sha256:...), was " + v;
      case WORKFLOW_RUN -> v.startsWith("https://") ? null : "authorization " + a.getAuthorizationId()
          + ": WORKFLOW_RUN must be the run's https URL, was " + v;
    };
  }

  public static Authorizations of(Collection<Authorization> all) {
    Map<String, Authorization> m = new HashMap<>();
    for (Authorization a : all) {
      if (problem(a) == null) m.put(id(Kind.valueOf(a.getKind()), a.getValue()), a);
    }
    return new Authorizations(m);
  }

  public int size() {
    return byKey.size();
  }

  /** The authorization covering {@code e}, if any: its digest, certificate, TBS or workflow run is listed. */
  public Optional<Authorization> covering(IdentityEvent e) {
    if (byKey.isEmpty()) return Optional.empty();
    for (Map.Entry<Kind, String> v : Map.of(Kind.ARTIFACT_DIGEST, nz(e.getArtifactDigest()),
        Kind.CERTIFICATE, nz(e.getCertFingerprint()), Kind.TBS, nz(e.getTbsHash()),
        Kind.WORKFLOW_RUN, nz(e.getExtensions().get(RUN_INVOCATION_URI))).entrySet()) {
      if (v.getValue().isEmpty()) continue;
      Authorization a = byKey.get(id(v.getKey(), v.getValue()));
      if (a != null) return Optional.of(a);
    }
    return Optional.empty();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
