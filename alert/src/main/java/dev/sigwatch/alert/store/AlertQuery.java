package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.util.Set;

/**
 * Filters for {@link AlertStore#alerts}: every non-empty filter must hold (AND); within a set, any value (OR).
 * Results are newest first by the fact's time ({@link StoredAlert#createdAt()}), then by alert id.
 *
 * @param types alert types (IDENTITY_MATCH, FORK, ...); empty = any
 * @param severities empty = any
 * @param minSeverity at least this severity; null = any
 * @param states empty = any
 * @param logId exact log id; null = any
 * @param ruleId exact watch rule id; null = any
 * @param identity substring of the matched identity, ignoring case; null = any
 * @param from createdAt at or after; null = unbounded
 * @param to createdAt strictly before; null = unbounded
 * @param cursor from the previous page's {@link Page#nextCursor()}; null = first page
 * @param limit page size, 1..{@link #MAX_LIMIT}
 */
public record AlertQuery(Set<String> types, Set<Severity> severities, Severity minSeverity, Set<AlertState> states,
    String logId, String ruleId, String identity, Instant from, Instant to, String cursor, int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;

  public AlertQuery {
    types = types == null ? Set.of() : Set.copyOf(types);
    severities = severities == null ? Set.of() : Set.copyOf(severities);
    states = states == null ? Set.of() : Set.copyOf(states);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** Every alert, first page. */
  public static AlertQuery all() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This query for the page after {@code cursor}. */
  public AlertQuery after(String nextCursor) {
    return new AlertQuery(types, severities, minSeverity, states, logId, ruleId, identity, from, to, nextCursor, limit);
  }

  /** Builds an {@link AlertQuery}; unset filters match anything. */
  public static final class Builder {
    private Set<String> types = Set.of();
    private Set<Severity> severities = Set.of();
    private Severity minSeverity;
    private Set<AlertState> states = Set.of();
    private String logId;
    private String ruleId;
    private String identity;
    private Instant from;
    private Instant to;
    private String cursor;
    private int limit = DEFAULT_LIMIT;

    public Builder types(Set<String> v) { types = v; return this; }
    public Builder severities(Set<Severity> v) { severities = v; return this; }
    public Builder minSeverity(Severity v) { minSeverity = v; return this; }
    public Builder states(Set<AlertState> v) { states = v; return this; }
    public Builder logId(String v) { logId = v; return this; }
    public Builder ruleId(String v) { ruleId = v; return this; }
    public Builder identity(String v) { identity = v; return this; }
    public Builder from(Instant v) { from = v; return this; }
    public Builder to(Instant v) { to = v; return this; }
    public Builder cursor(String v) { cursor = v; return this; }
    public Builder limit(int v) { limit = v; return this; }

    public AlertQuery build() {
      return new AlertQuery(types, severities, minSeverity, states, logId, ruleId, identity, from, to, cursor, limit);
    }
  }
}
