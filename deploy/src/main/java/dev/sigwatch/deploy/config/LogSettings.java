package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One item of {@code logs:} — a log to watch, overriding discovery from the trusted root.
 *
 * @param type {@code rekor-v1}, {@code rekor-v2}, {@code ct} (RFC 6962, or static-ct when its get-sth is 404) or
 *     {@code static-ct}
 * @param url the log's base URL, e.g. {@code https://rekor.sigstore.dev}
 * @param origin the checkpoint origin when it is not derived from the URL
 * @param treeId Rekor v1: the tree ID of the active shard, when not read from the log
 */
public record LogSettings(
    @JsonProperty("type") String type,
    @JsonProperty("url") String url,
    @JsonProperty("origin") String origin,
    @JsonProperty("treeId") String treeId) {

  public static final java.util.Set<String> TYPES = java.util.Set.of("rekor-v1", "rekor-v2", "ct", "static-ct");
}
