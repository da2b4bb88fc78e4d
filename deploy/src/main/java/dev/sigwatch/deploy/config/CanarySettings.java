package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.alert.canary.Canary;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code canaries[]}: an identity you expect to sign regularly (a daily signing job), so that its silence says the
 * monitoring path itself may be broken (a log not read, ingest or match stuck, the watchlist changed).
 *
 * @param name names the canary in alerts
 * @param identity a regex over the {@code identity} of IDENTITY_MATCH / AUTHORIZED alerts (so a watchlist rule must
 *     match the identity too; authorize the job's signings to keep them INFO)
 * @param period ISO-8601: no such alert for this long (from startup or the last one) raises CANARY_MISSING
 */
public record CanarySettings(@JsonProperty("name") String name, @JsonProperty("identity") String identity,
    @JsonProperty("period") String period) {

  /** The canary the alert stage watches for (call after the config validated it). */
  public Canary toCanary() {
    return new Canary(name, Pattern.compile(identity), Duration.parse(period));
  }

  List<String> problems(String at) {
    List<String> p = new ArrayList<>();
    if (name == null || name.isBlank()) p.add(at + ".name is missing");
    if (identity == null) {
      p.add(at + ".identity is missing: a regex over the identity of the expected signing");
    } else {
      try {
        Pattern.compile(identity);
      } catch (PatternSyntaxException e) {
        p.add(at + ".identity is not a regex: " + e.getDescription());
      }
    }
    try {
      if (period == null || Duration.parse(period).isNegative() || Duration.parse(period).isZero()) p.add(at + ".period must be a positive ISO-8601 duration");
    } catch (DateTimeParseException e) {
      p.add(at + ".period '" + period + "' is not an ISO-8601 duration (P1D, PT6H)");
    }
    return p;
  }
}
