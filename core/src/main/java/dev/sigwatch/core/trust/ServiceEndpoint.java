package dev.sigwatch.core.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * One service URL of a signing config.
 *
 * @param url the service's base URL
 * @param majorApiVersion the API version it speaks (Rekor: 1 or 2)
 * @param validFor when clients should use it
 * @param operator who runs it (may be empty)
 */
public record ServiceEndpoint(String url, int majorApiVersion, ValidityPeriod validFor, String operator) {
  public ServiceEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(validFor, "validFor");
    Objects.requireNonNull(operator, "operator");
    if (majorApiVersion < 1) {
      throw new IllegalArgumentException("majorApiVersion must be >= 1, was " + majorApiVersion);
    }
  }

  public boolean isValidAt(Instant at) {
    return validFor.contains(at);
  }
}
