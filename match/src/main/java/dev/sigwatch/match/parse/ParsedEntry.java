package dev.sigwatch.match.parse;

import java.util.List;
import java.util.Objects;

/**
 * A Rekor entry body reduced to what matching needs.
 *
 * @param kind entry kind ({@code hashedrekord}, {@code dsse}, ...)
 * @param version the body's apiVersion
 * @param artifactDigest {@code algo:hex} of the signed artifact or payload, or null if the kind has none
 * @param signers every signer the body names, in body order; empty for kinds that name none
 */
public record ParsedEntry(String kind, String version, String artifactDigest, List<Signer> signers) {
  public ParsedEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(version, "version");
    signers = List.copyOf(signers);
  }
}
