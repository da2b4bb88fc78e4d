package dev.sigwatch.verify;

import java.util.Objects;

/**
 * What the judge knows of one log, typed by the phase the log is in. The phase decides which rules apply to its next
 * checkpoint: a log never seen takes its first validly signed checkpoint as head; a growing log must prove each larger
 * checkpoint consistent with its head; a stale log is a growing one whose STALE_LOG alert is open (its next growth
 * ends that incident); a frozen shard (rotated out, or quiet past its key's validity end) must never change again.
 *
 * <p>Stored as two values of their own versioned layouts, read back from every earlier layout: the head as a
 * {@link LogState} (store {@link VerifyTopology#LOG_STATE_STORE}) and the episodes, verified roots, unproven
 * checkpoint and extensions as an {@link IncidentState} ({@link VerifyTopology#INCIDENT_STORE}). {@link #of} reads a
 * view from them, {@link #state()} gives the head back. Immutable.
 */
sealed interface LogView {

  /** The log's incident episodes and remembered roots ({@link IncidentState#EMPTY} when none). */
  IncidentState incidents();

  /** The head as stored, or null for a log not seen yet. */
  LogState state();

  /** This view with other incident state, the phase unchanged. */
  LogView withIncidents(IncidentState i);

  /** A log with no verified checkpoint yet. */
  record Unseen(IncidentState incidents) implements LogView {
    public Unseen {
      Objects.requireNonNull(incidents, "incidents");
    }

    @Override
    public LogState state() {
      return null;
    }

    @Override
    public LogView withIncidents(IncidentState i) {
      return new Unseen(i);
    }
  }

  /** A log whose head is {@code state} and whose liveness is fine. */
  record Growing(LogState state, IncidentState incidents) implements LogView {
    public Growing {
      Objects.requireNonNull(incidents, "incidents");
      if (state.stale() || state.frozen()) throw new IllegalArgumentException("not a growing log's state");
    }

    @Override
    public LogView withIncidents(IncidentState i) {
      return new Growing(state, i);
    }
  }

  /**
   * A log stuck at {@code state} with an open STALE_LOG alert ({@link StaleLog#openAlertId}: kept in the state, or
   * recomputed for state written before it was kept).
   */
  record Stale(LogState state, IncidentState incidents) implements LogView {
    public Stale {
      Objects.requireNonNull(incidents, "incidents");
      if (!state.stale() || state.frozen()) throw new IllegalArgumentException("not a stale log's state");
    }

    @Override
    public LogView withIncidents(IncidentState i) {
      return new Stale(state, i);
    }
  }

  /**
   * A frozen shard: its tree must never change. State written by older code may carry a stale flag too; a frozen
   * shard is never stale, so the flag is ignored (no rule reads it).
   */
  record Frozen(LogState state, IncidentState incidents) implements LogView {
    public Frozen {
      Objects.requireNonNull(incidents, "incidents");
      if (!state.frozen()) throw new IllegalArgumentException("not a frozen shard's state");
    }

    @Override
    public LogView withIncidents(IncidentState i) {
      return new Frozen(state, i);
    }
  }

  /** The view of a log from its stored values; either may be null (nothing stored). */
  static LogView of(LogState s, IncidentState i) {
    IncidentState inc = i == null ? IncidentState.EMPTY : i;
    if (s == null) return new Unseen(inc);
    if (s.frozen()) return new Frozen(s, inc);
    return s.stale() ? new Stale(s, inc) : new Growing(s, inc);
  }
}
