package dev.sigwatch.match.parse;

import java.util.List;
import java.util.Objects;

/**
 * A Rekor entry body reduced to what matching needs.
 *
 * @param kind entry kind ({@code hashedrekord}, {@code dsse}, ...)
 * @param version the body's apiVersion
 * @param artifactDigest {@code algo:hex} of the signed artifact or payload, or null if the kind has none
 * @param signers every signer the body names that could be decoded, in body order; empty for kinds that name none
 * @param badSigners for a multi-signer body, one line per signer that could not be decoded ({@code "signer 1: ..."})
 */
public record ParsedEntry(String kind, String version, String artifactDigest, List<Signer> signers,
    List<String> badSigners) {
  public ParsedEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(version, "version");
    signers = List.copyOf(signers);
    badSigners = List.copyOf(badSigners);
  }

  public ParsedEntry(String kind, String version, String artifactDigest, List<Signer> signers) {
    this(kind, version, artifactDigest, signers, List.of());
  }
}
