package dev.sigwatch.alert.api;

import dev.sigwatch.alert.store.ReplayRun;

/** Starts a forensic replay in the background and returns at once with its run (state RUNNING). Thread-safe. */
@FunctionalInterface
public interface ReplayStarter {
  /**
   * @param name unique replay name ({@link ReplayRun#NAME_PATTERN})
   * @param watchlistYaml the watchlist, rekor-monitor YAML ({@code monitoredValues})
   * @param from a time (ISO-8601) or an index, null = the beginning
   * @param to a time or an index, null = now
   * @param logId one log, null = every log
   * @throws IllegalArgumentException naming the bad argument (a duplicate name, a bad watchlist)
   */
  ReplayRun start(String name, String watchlistYaml, String from, String to, String logId);
}
