package dev.sigwatch.alert.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a person can see a log entry for themselves, from its log id, index and UUID. Log ids are what ingest
 * publishes: a Rekor v1 checkpoint origin ({@code rekor.sigstore.dev - 1193050959916656506}), a Rekor v2 origin or a
 * CT log's URL without scheme ({@code ctfe.sigstore.dev/2022}). The host part of an origin is the log's configured
 * hostname, which for the public-good instance is its URL; for a private instance it may not be, so these are
 * offered as links, not asserted as the entry's address. Stateless.
 */
public final class EntryLinks {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:\\d+)?(/[A-Za-z0-9._/-]*)?");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}|[0-9a-fA-F]{80}");

  private EntryLinks() {}

  /** A link: what it shows and where. */
  public record Link(String title, String href) {}

  /**
   * Links for the entry; empty when the log id is not one of the shapes above.
   *
   * @param source {@code REKOR} or {@code CT} when known (an identity alert's evidence says), else null
   */
  public static List<Link> of(String logId, Long logIndex, String uuid, String source) {
    List<Link> out = new ArrayList<>();
    if (logId == null) {
      return out;
    }
    int dash = logId.indexOf(" - ");
    if (dash > 0) { // Rekor v1: "<hostname> - <treeID>"
      String host = logId.substring(0, dash);
      if (!HOST.matcher(host).matches()) {
        return out;
      }
      if (uuid != null && HEX.matcher(uuid).matches()) {
        out.add(new Link("Rekor entry " + uuid.substring(0, 16) + "… (JSON)", "https://" + host
            + "/api/v1/log/entries/" + uuid));
        if (host.equals("rekor.sigstore.dev")) {
          out.add(new Link("search.sigstore.dev", "https://search.sigstore.dev/?uuid=" + uuid));
        }
      }
      if (logIndex != null) {
        out.add(new Link("Rekor entry at index " + logIndex + " (JSON)", "https://" + host
            + "/api/v1/log/entries?logIndex=" + logIndex));
        if (host.equals("rekor.sigstore.dev")) {
          out.add(new Link("search.sigstore.dev, index " + logIndex, "https://search.sigstore.dev/?logIndex="
              + logIndex));
        }
      }
      return out;
    }
    if (!HOST.matcher(logId).matches() || logIndex == null) {
      return out;
    }
    if ("CT".equals(source)) { // an RFC 6962 log's id is its URL without scheme
      out.add(new Link("CT entry " + logIndex + " (get-entries, JSON)", "https://" + logId
          + "/ct/v1/get-entries?start=" + logIndex + "&end=" + logIndex));
    } else if ("REKOR".equals(source)) { // Rekor v2: entry bundles are in tiles of 256
      out.add(new Link("Rekor v2 entry tile holding index " + logIndex, "https://" + logId + "/api/v2/tile/entries/"
          + tilePath(logIndex / 256)));
    }
    return out;
  }

  /** C2SP tlog-tiles path of tile number {@code n}: groups of three digits, all but the last prefixed with x. */
  static String tilePath(long n) {
    StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "%03d", n % 1000));
    for (n /= 1000; n > 0; n /= 1000) {
      s.insert(0, String.format(java.util.Locale.ROOT, "x%03d/", n % 1000));
    }
    return s.toString();
  }
}
