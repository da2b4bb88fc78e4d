package dev.sigwatch.alert.api;

import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityQuery;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.StoredIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/search}: forensic search over every stored identity event — by identity (exact, prefix or
 * regex), OIDC issuer, certificate SHA-256, key fingerprint, artifact digest, Rekor UUID, log + index and time.
 * Alert type / severity / state are filters of {@code /api/v1/alerts}.
 */
final class SearchRoutes {
  static final Set<String> PARAMS = Set.of("identity", "match", "issuer", "certSha256", "keySha256",
      "artifactDigest", "uuid", "logId", "logIndex", "since", "until", "cursor", "limit");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9:+/=_.-]{8,200}");
  private static final Pattern DIGEST = Pattern.compile("[a-z0-9-]{2,16}:[0-9a-fA-F]{32,128}");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{64}|[0-9a-fA-F]{80}");
  private static final Pattern LOG_ID = Pattern.compile("[\\x20-\\x7e]{1,256}");
  private static final Pattern ISSUER = Pattern.compile("[\\x21-\\x7e]{1,512}");
  /** A regex runs against every stored identity on SQLite: keep it short. */
  private static final int MAX_REGEX = 256;

  private final AlertStore store;

  SearchRoutes(AlertStore store) {
    this.store = store;
  }

  List<Route> routes() {
    return List.of(Route.get("/api/v1/search", Scope.READ, this::search));
  }

  private ApiResponse search(ApiRequest r) throws ApiException {
    Params p = r.params(PARAMS);
    IdentityQuery.Match match = p.enumValue("match", IdentityQuery.Match.class);
    String identity = p.string("identity");
    if (match != null && identity == null) {
      throw ApiException.badParameter("match", "match needs an identity to match");
    }
    if (match == IdentityQuery.Match.REGEX) {
      p.regex("identity", MAX_REGEX);
    }
    Long logIndex = p.optionalLong("logIndex", 0, Long.MAX_VALUE);
    String logId = p.matching("logId", LOG_ID, "a log id (printable ASCII, at most 256 characters)");
    if (logIndex != null && logId == null) {
      throw ApiException.badParameter("logIndex", "logIndex needs logId (indexes are per log)");
    }
    Instant since = p.instant("since");
    Instant until = p.instant("until");
    if (since != null && until != null && until.isBefore(since)) {
      throw ApiException.badParameter("until", "until (" + until + ") is before since (" + since + ")");
    }
    String uuid = p.matching("uuid", UUID, "a Rekor entry UUID (64 or 80 hex digits)");
    IdentityQuery.Builder b = IdentityQuery.builder()
        .identity(identity, match == null ? IdentityQuery.Match.EXACT : match)
        .oidcIssuer(p.matching("issuer", ISSUER, "an OIDC issuer URL"))
        .certSha256(p.sha256("certSha256"))
        .keySha256(p.matching("keySha256", KEY, "a key fingerprint (hex SHA-256 of the DER public key, "
            + "SSH SHA256:..., PGP hex SHA-1)"))
        .artifactDigest(p.matching("artifactDigest", DIGEST, "algo:hex, e.g. sha256:0123…"))
        .uuid(uuid == null ? null : uuid.toLowerCase(java.util.Locale.ROOT))
        .logId(logId)
        .logIndex(logIndex)
        .from(since)
        .to(until)
        .cursor(p.string("cursor"))
        .limit((int) p.longValue("limit", 1, AlertQuery.MAX_LIMIT, AlertQuery.DEFAULT_LIMIT));
    IdentityQuery q = StoreCalls.call(PARAMS, b::build);
    Page<StoredIdentity> page = StoreCalls.call(PARAMS, () -> store.identities(q));
    return ApiResponse.ok(StoreJson.page("results", page.items(), StoreJson::identity, page.nextCursor()));
  }
}
