package dev.sigwatch.alert.store;

import java.time.Instant;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Forensic search over every stored identity event ({@link AlertStore#identities}). Every non-null filter must hold
 * (AND). At least one filter is required: an unfiltered listing of months of a public log is never what was meant.
 * Results are newest first: by entry time (then by arrival) when {@code from} or {@code to} is set, else by when the
 * store received them (which follows each log's index order). A cursor belongs to the order of the query it came from.
 *
 * @param identity a SAN (email, URI, ...) or a subject (PGP/SSH/minisign subject, certificate subject DN)
 * @param match how {@code identity} matches: exactly, as a prefix, or as a regular expression (Java syntax on SQLite,
 *     PostgreSQL's POSIX syntax on PostgreSQL; the common subset — classes, anchors, alternation, quantifiers — is
 *     the same)
 * @param oidcIssuer exact OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8 or .1.1)
 * @param certSha256 lowercase hex SHA-256 of the certificate DER
 * @param keySha256 a key fingerprint as the identity event carries it (hex SHA-256 of the DER public key, SSH
 *     {@code SHA256:...}, PGP hex SHA-1, minisign key id)
 * @param artifactDigest {@code algo:hex}, e.g. {@code sha256:ab12...}
 * @param uuid Rekor entry UUID
 * @param logId exact log id; with {@code logIndex} a single entry
 * @param logIndex the entry's index in {@code logId}
 * @param from entry time (integrated time, CT timestamp, else observed) at or after; null = unbounded
 * @param to entry time strictly before; null = unbounded
 * @param cursor from the previous page; null = first page
 * @param limit page size, 1..{@link AlertQuery#MAX_LIMIT}
 */
public record IdentityQuery(String identity, Match match, String oidcIssuer, String certSha256, String keySha256,
    String artifactDigest, String uuid, String logId, Long logIndex, Instant from, Instant to, String cursor,
    int limit) {

  /** How {@link #identity} is compared. */
  public enum Match { EXACT, PREFIX, REGEX }

  /** The longest identity, regex or fingerprint accepted: longer input is a mistake or an attack. */
  public static final int MAX_TERM_LENGTH = 1024;

  public IdentityQuery {
    match = match == null ? Match.EXACT : match;
    if (limit < 1 || limit > AlertQuery.MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + AlertQuery.MAX_LIMIT + ", was " + limit);
    }
    check("identity", identity);
    check("oidcIssuer", oidcIssuer);
    check("certSha256", certSha256);
    check("keySha256", keySha256);
    check("artifactDigest", artifactDigest);
    check("uuid", uuid);
    check("logId", logId);
    if (logIndex != null && logIndex < 0) throw new IllegalArgumentException("logIndex must be >= 0, was " + logIndex);
    if (logIndex != null && logId == null) throw new IllegalArgumentException("logIndex needs logId");
    if (identity != null && match == Match.REGEX) {
      try {
        Pattern.compile(identity);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("identity is not a valid regular expression: " + e.getDescription());
      }
    }
    if (identity == null && oidcIssuer == null && certSha256 == null && keySha256 == null && artifactDigest == null
        && uuid == null && logId == null && from == null && to == null) {
      throw new IllegalArgumentException("give at least one filter: identity, oidcIssuer, certSha256, keySha256, "
          + "artifactDigest, uuid, logId or a time range");
    }
  }

  private static void check(String name, String v) {
    if (v != null && (v.isEmpty() || v.length() > MAX_TERM_LENGTH)) {
      throw new IllegalArgumentException(name + " must be 1.." + MAX_TERM_LENGTH + " characters, was " + v.length());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This query for the page after {@code cursor}. */
  public IdentityQuery after(String nextCursor) {
    return new IdentityQuery(identity, match, oidcIssuer, certSha256, keySha256, artifactDigest, uuid, logId,
        logIndex, from, to, nextCursor, limit);
  }

  /** Builds an {@link IdentityQuery}; unset filters match anything (but one must be set). */
  public static final class Builder {
    private String identity;
    private Match match = Match.EXACT;
    private String oidcIssuer;
    private String certSha256;
    private String keySha256;
    private String artifactDigest;
    private String uuid;
    private String logId;
    private Long logIndex;
    private Instant from;
    private Instant to;
    private String cursor;
    private int limit = AlertQuery.DEFAULT_LIMIT;

    public Builder identity(String v, Match m) { identity = v; match = m; return this; }
    public Builder oidcIssuer(String v) { oidcIssuer = v; return this; }
    public Builder certSha256(String v) { certSha256 = v; return this; }
    public Builder keySha256(String v) { keySha256 = v; return this; }
    public Builder artifactDigest(String v) { artifactDigest = v; return this; }
    public Builder uuid(String v) { uuid = v; return this; }
    public Builder logId(String v) { logId = v; return this; }
    public Builder logIndex(Long v) { logIndex = v; return this; }
    public Builder from(Instant v) { from = v; return this; }
    public Builder to(Instant v) { to = v; return this; }
    public Builder cursor(String v) { cursor = v; return this; }
    public Builder limit(int v) { limit = v; return this; }

    public IdentityQuery build() {
      return new IdentityQuery(identity, match, oidcIssuer, certSha256, keySha256, artifactDigest, uuid, logId,
          logIndex, from, to, cursor, limit);
    }
  }
}
