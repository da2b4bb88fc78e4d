package dev.sigwatch.alert.canary;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An identity expected to sign at least once per {@code period} (a daily signing job).
 *
 * @param name names the canary in alerts
 * @param identity a regex (unanchored) over the {@code identity} of IDENTITY_MATCH / AUTHORIZED alerts
 * @param period no such alert for this long (from startup or the last one) raises CANARY_MISSING; must be positive
 */
public record Canary(String name, Pattern identity, Duration period) {
  public Canary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identity, "identity");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
  }
}
