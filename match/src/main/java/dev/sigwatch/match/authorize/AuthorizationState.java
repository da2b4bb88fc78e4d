package dev.sigwatch.match.authorize;

import dev.sigwatch.schemas.Authorization;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current authorizations, shared by the global-store updater (writer) and the stream threads (readers), like the
 * watchlist. Thread-safe: writes are synchronized, the snapshot is published through a volatile field.
 */
public final class AuthorizationState {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationState.class);

  private final Map<String, Authorization> all = new TreeMap<>();
  private volatile Authorizations current = Authorizations.EMPTY;

  public Authorizations current() {
    return current;
  }

  /** Adds or replaces ({@code a} non-null) or removes (null) an authorization; an invalid one is logged and ignored. */
  public synchronized void apply(String id, Authorization a) {
    if (a == null) {
      if (all.remove(id) != null) log.info("authorizations: removed {}", id);
    } else {
      String problem = Authorizations.problem(a);
      if (problem != null) {
        log.warn("authorizations: ignoring {}", problem);
        return;
      }
      all.put(id, a);
      log.info("authorizations: {} active", id);
    }
    current = Authorizations.of(all.values());
  }
}
