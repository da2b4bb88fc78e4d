package dev.sigwatch.alert.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.match.watchlist.Watchlist;
import java.util.List;

/**
 * A replay's watchlist from rekor-monitor's YAML, read as the match stage reads the config's {@code monitoredValues}:
 * a whole rekor-monitor config (its other keys are ignored) or the {@code monitoredValues} block alone. Stateless.
 */
public final class ReplayWatchlist {
  /** A watchlist is a few rules; a larger text is a mistake (or an attack on the API), refused before parsing. */
  public static final int MAX_CHARS = 1 << 20;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  private ReplayWatchlist() {}

  /**
   * The compiled watchlist of {@code yaml}.
   *
   * @throws IllegalArgumentException saying what is wrong: not YAML, an unknown key, an invalid regex or OID (each
   *     named by its place, e.g. {@code monitoredValues.certIdentities[0].certSubject}), or no rule at all
   */
  public static Watchlist parse(String yaml) {
    if (yaml.length() > MAX_CHARS) {
      throw new IllegalArgumentException("the watchlist is " + yaml.length() + " characters; at most " + MAX_CHARS);
    }
    MonitoredValues mv;
    try {
      JsonNode root = YAML.readTree(yaml);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("the watchlist is not a YAML mapping: expected rekor-monitor's "
            + "'monitoredValues:' (certIdentities, subjects, fingerprints, oidMatchers)");
      }
      JsonNode block = root.has("monitoredValues") ? root.get("monitoredValues") : root;
      mv = block.isNull() ? MonitoredValues.EMPTY : YAML.treeToValue(block, MonitoredValues.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the watchlist is not valid rekor-monitor YAML: " + e.getOriginalMessage());
    }
    List<String> problems = mv.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the watchlist has invalid rules: " + String.join("; ", problems));
    }
    if (mv.isEmpty()) {
      throw new IllegalArgumentException("the watchlist has no rules: give monitoredValues.certIdentities, subjects, "
          + "fingerprints or oidMatchers");
    }
    return Watchlist.of(WatchRules.from(mv, 0));
  }
}
