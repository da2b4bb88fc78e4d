package dev.sigwatch.match.watchlist;

import dev.sigwatch.schemas.RuleType;
import java.util.Objects;

/**
 * One rule that matched an identity event.
 *
 * @param ruleId the rule's id
 * @param type the rule's type
 * @param identity the value of the event that matched (a SAN, subject, fingerprint or extension value)
 * @param why a line for a human: which field matched which pattern
 */
public record RuleMatch(String ruleId, RuleType type, String identity, String why) {
  public RuleMatch {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(why, "why");
  }
}
