package dev.sigwatch.verify;

import dev.sigwatch.core.trust.LogKey;
import dev.sigwatch.core.trust.LogNoteKeys.RekorV1Origin;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a checkpoint's signer to the log it was read from, so that one log cannot answer for another.
 *
 * <p>The feed is the configured log URL, recovered from the checkpoint's {@code sourceUrl} (ingest reads Rekor v1 at
 * {@code <url>/api/v1/log}, Rekor v2 at {@code <url>/api/v2/checkpoint}, static-ct at {@code <url>/checkpoint}, CT at
 * {@code <url>/ct/v1/get-sth}). A signer is accepted for a feed when
 * <ul>
 *   <li>the checkpoint's origin is the one configured for that URL ({@code logs[].origin}; for Rekor v1 the hostname
 *       half of {@code <hostname> - <tree ID>}, or the whole origin), if one is configured, and
 *   <li>the signer is one of the trusted root's logs at that URL, if the trusted root lists the URL.
 * </ul>
 * A feed the trusted root does not list (a read URL unlike the trusted root's) with no configured origin cannot be
 * bound: any trusted signer of the right kind is accepted, as before. Immutable and thread-safe.
 */
final class LogBinding {
  private static final Map<LogType, String> SUFFIX = Map.of(LogType.REKOR_V1, "/api/v1/log",
      LogType.REKOR_V2, "/api/v2/checkpoint", LogType.STATIC_CT, "/checkpoint", LogType.CT, "/ct/v1/get-sth");

  private final TrustedRoot root;
  private final Map<String, String> origins = new HashMap<>();

  /** @param origins configured checkpoint origins by log URL (scheme and trailing slashes are ignored) */
  LogBinding(TrustedRoot root, Map<String, String> origins) {
    this.root = root;
    origins.forEach((url, origin) -> this.origins.put(withoutScheme(url), origin));
  }

  /** Whether {@code signer}, which signed a checkpoint with this origin, may answer for the feed of {@code c}. */
  boolean accepts(Checkpoint c, String origin, LogKey signer) {
    Optional<String> feed = feed(c);
    if (feed.isEmpty()) return true;
    String configured = origins.get(feed.get());
    if (configured != null && !originMatches(c.getLogType(), origin, configured)) return false;
    List<LogKey> listed = logsAt(c.getLogType(), feed.get());
    return listed.isEmpty() || listed.contains(signer);
  }

  /** What the feed of {@code c} expects, for messages: its configured origin and the trusted root's logs at its URL. */
  String expectation(Checkpoint c) {
    Optional<String> feed = feed(c);
    if (feed.isEmpty()) return "read from " + c.getSourceUrl();
    String configured = origins.get(feed.get());
    List<LogKey> listed = logsAt(c.getLogType(), feed.get());
    return "the log at " + feed.get() + (configured == null ? "" : " (configured origin \"" + configured + "\")")
        + (listed.isEmpty() ? " is not in the trusted root" : " has log ID(s) " + listed.stream()
            .map(l -> java.util.Base64.getEncoder().encodeToString(l.logId())).toList());
  }

  private static boolean originMatches(LogType type, String origin, String configured) {
    if (origin.equals(configured)) return true;
    return type == LogType.REKOR_V1
        && RekorV1Origin.parse(origin).map(o -> o.hostname().equals(configured)).orElse(false);
  }

  private List<LogKey> logsAt(LogType type, String feed) {
    List<LogKey> logs = type == LogType.CT || type == LogType.STATIC_CT ? root.ctlogs() : root.tlogs();
    return logs.stream().filter(l -> l.urlWithoutScheme().equals(feed)).toList();
  }

  /** The configured log URL (without scheme) the checkpoint was read from, if its source URL has the usual path. */
  static Optional<String> feed(Checkpoint c) {
    String suffix = SUFFIX.get(c.getLogType());
    String url = withoutScheme(c.getSourceUrl());
    return suffix != null && url.endsWith(suffix)
        ? Optional.of(url.substring(0, url.length() - suffix.length())) : Optional.empty();
  }

  static String withoutScheme(String url) {
    String u = url;
    int scheme = u.indexOf("://");
    if (scheme >= 0) u = u.substring(scheme + 3);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    return u;
  }
}
