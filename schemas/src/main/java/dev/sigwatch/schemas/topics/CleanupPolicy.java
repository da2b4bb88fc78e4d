package dev.sigwatch.schemas.topics;

/** A topic's {@code cleanup.policy}. */
public enum CleanupPolicy {
  /** Segments are deleted after {@code retention.ms}. */
  DELETE("delete"),
  /** The latest record of each key is kept; a null value (tombstone) removes the key. */
  COMPACT("compact");

  private final String config;

  CleanupPolicy(String config) {
    this.config = config;
  }

  /** The value of {@code cleanup.policy}. */
  public String config() {
    return config;
  }
}
