package dev.sigwatch.core.trust;

import java.util.Objects;

/**
 * One difference between two trust states: a log key, CA, CT log, shard or read URL added, removed, or changed (its
 * validity, key or URL). {@code before}/{@code after} describe the item as it was and is (empty when absent).
 *
 * @param document which document changed: {@code trusted_root.json}, {@code signing_config.v0.2.json},
 *     {@code signing_config_rekor_v2.v0.2.json} or {@code monitor_config.json}
 * @param item what kind of item: {@code tlog}, {@code ctlog}, {@code certificateAuthority},
 *     {@code timestampAuthority}, {@code rekorTlogUrl}, {@code caUrl}, {@code tsaUrl}, {@code rekorLog}
 * @param subject the item's identity in the document (a log ID, a certificate fingerprint, a URL)
 */
public record TrustChange(String document, String item, String subject, Kind kind, String before, String after) {
  public enum Kind { ADDED, REMOVED, CHANGED }

  public TrustChange {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    before = before == null ? "" : before;
    after = after == null ? "" : after;
  }

  /** One line for a human: "trusted_root.json: tlog https://rekor... added: ...". */
  public String summary() {
    return document + ": " + item + " " + subject + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
        + switch (kind) {
          case ADDED -> ": " + after;
          case REMOVED -> " (was " + before + ")";
          case CHANGED -> ": " + before + " -> " + after;
        };
  }
}
