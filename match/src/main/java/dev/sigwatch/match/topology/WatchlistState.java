package dev.sigwatch.match.topology;

import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.WatchRule;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current compiled watchlist, shared by the global watchlist updater (writer) and the stream threads (readers).
 * Readers get an immutable {@link Watchlist} snapshot; the writer replaces it on every rule change.
 *
 * <p>Thread-safe: writes are synchronized, the snapshot is published through a volatile field.
 */
public final class WatchlistState {
  private static final Logger log = LoggerFactory.getLogger(WatchlistState.class);

  private final Map<String, WatchRule> rules = new TreeMap<>();
  private volatile Watchlist current = Watchlist.EMPTY;
  private final dev.sigwatch.match.authorize.AuthorizationState authorizations =
      new dev.sigwatch.match.authorize.AuthorizationState();

  /** Expected signings: a match on one of them is AUTHORIZED (INFO), not IDENTITY_MATCH. */
  public dev.sigwatch.match.authorize.AuthorizationState authorizations() {
    return authorizations;
  }

  public Watchlist current() {
    return current;
  }

  /** Adds or replaces a rule ({@code rule} non-null) or removes it (null); an invalid rule is logged and ignored. */
  public synchronized void apply(String ruleId, WatchRule rule) {
    if (rule == null) {
      if (rules.remove(ruleId) != null) {
        log.info("watchlist: removed rule {}", ruleId);
      }
    } else {
      String problem = Watchlist.problem(rule);
      if (problem != null) {
        log.warn("watchlist: ignoring {}", problem);
        return;
      }
      rules.put(ruleId, rule);
      log.info("watchlist: rule {} ({}) active", ruleId, rule.getType());
    }
    current = Watchlist.of(rules.values());
  }
}
