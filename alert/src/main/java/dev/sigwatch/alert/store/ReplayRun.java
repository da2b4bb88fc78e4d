package dev.sigwatch.alert.store;

import java.time.Instant;

/**
 * A forensic replay: a watchlist run over history, its progress and outcome. Its matches are alerts kept under the
 * replay's name ({@link AlertStore#replayResults}), never in the live alert list.
 *
 * @param name unique, {@code [A-Za-z0-9._-]{1,100}}
 * @param watchlist the watchlist it ran, as given (rekor-monitor YAML)
 * @param source {@code store} (stored identity events) or {@code topics} (raw entry topics)
 * @param fromSpec the {@code --from} bound as given (a time or an index), null = the beginning
 * @param toSpec the {@code --to} bound as given, null = now
 * @param logId only this log, null = every log
 * @param state {@link State}
 * @param scanned identity events examined so far
 * @param total events to examine, if known (-1 when not)
 * @param matches alerts raised so far
 * @param error why it failed, null unless FAILED
 * @param output where its matches go: {@code store}, {@code file:<path>} or {@code topic:<name>} (null: unknown, a
 *     run recorded before outputs were)
 * @param afterId the store id of the last identity event whose chunk is done (results written): a resumed replay
 *     continues after it; 0 before the first chunk
 */
public record ReplayRun(String name, String watchlist, String source, String fromSpec, String toSpec, String logId,
    State state, long scanned, long total, long matches, Instant startedAt, Instant updatedAt, Instant finishedAt,
    String error, String output, long afterId) {

  public enum State { RUNNING, DONE, FAILED, CANCELLED }

  public static final String NAME_PATTERN = "[A-Za-z0-9._-]{1,100}";

  public ReplayRun {
    if (name == null || !name.matches(NAME_PATTERN)) {
      throw new IllegalArgumentException("replay name must match " + NAME_PATTERN + ", was: " + name);
    }
    if (state == null) throw new IllegalArgumentException(name + ": state must not be null");
  }

  /** A run without a recorded output, before its first chunk. */
  public ReplayRun(String name, String watchlist, String source, String fromSpec, String toSpec, String logId,
      State state, long scanned, long total, long matches, Instant startedAt, Instant updatedAt, Instant finishedAt,
      String error) {
    this(name, watchlist, source, fromSpec, toSpec, logId, state, scanned, total, matches, startedAt, updatedAt,
        finishedAt, error, null, 0);
  }
}
