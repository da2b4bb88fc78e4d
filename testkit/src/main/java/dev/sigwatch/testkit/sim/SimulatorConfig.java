package dev.sigwatch.testkit.sim;

import dev.sigwatch.testkit.sim.ca.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of a {@link SigstoreSimulator}, validated when built.
 *
 * @param port TCP port on loopback, 0 for any free port
 * @param threads HTTP worker threads
 * @param ctMaxEntries the most entries one CT get-entries answer holds (real logs cap it too; clients must loop)
 * @param entriesPerSecond timed growth rate of each Rekor log (new checkpoint every 200 ms, one new CT certificate per
 *     checkpoint), 0 for none: then only {@code grow}/{@code pregenerate} add entries
 * @param initialEntries entries grown on start
 * @param inactiveShardEntries if > 0, Rekor v1 starts with a frozen shard of this many entries before the active one
 * @param witnessed whether Rekor v2 checkpoints carry a witness cosignature
 */
public record SimulatorConfig(int port, int threads, int ctMaxEntries, int entriesPerSecond, int initialEntries,
    int inactiveShardEntries, boolean witnessed, List<Identity> identities, Clock clock) {
  public SimulatorConfig {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    if (ctMaxEntries < 1) throw new IllegalArgumentException("ctMaxEntries must be >= 1, was " + ctMaxEntries);
    if (entriesPerSecond < 0 || entriesPerSecond > 10_000) {
      throw new IllegalArgumentException("entriesPerSecond must be in [0, 10000], was " + entriesPerSecond);
    }
    if (initialEntries < 0) throw new IllegalArgumentException("initialEntries must be >= 0, was " + initialEntries);
    if (inactiveShardEntries < 0) {
      throw new IllegalArgumentException("inactiveShardEntries must be >= 0, was " + inactiveShardEntries);
    }
    identities = List.copyOf(identities);
    if (clock == null) throw new IllegalArgumentException("clock must be set");
  }

  /**
   * Builder with defaults: any port, 8 threads, CT pages of 64, no timed growth, no initial entries, no frozen shard,
   * witnessed Rekor v2 checkpoints, system clock.
   */
  public static final class Builder {
    private int port;
    private int threads = 8;
    private int ctMaxEntries = 64;
    private int entriesPerSecond;
    private int initialEntries;
    private int inactiveShardEntries;
    private boolean witnessed = true;
    private final List<Identity> identities = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    public Builder port(int p) { port = p; return this; }
    public Builder threads(int t) { threads = t; return this; }
    public Builder ctMaxEntries(int n) { ctMaxEntries = n; return this; }
    public Builder entriesPerSecond(int n) { entriesPerSecond = n; return this; }
    public Builder initialEntries(int n) { initialEntries = n; return this; }
    public Builder inactiveShardEntries(int n) { inactiveShardEntries = n; return this; }
    public Builder witnessed(boolean w) { witnessed = w; return this; }
    public Builder identity(Identity id) { identities.add(id); return this; }
    public Builder clock(Clock c) { clock = c; return this; }

    public SimulatorConfig config() {
      return new SimulatorConfig(port, threads, ctMaxEntries, entriesPerSecond, initialEntries, inactiveShardEntries,
          witnessed, identities, clock);
    }

    /** Validates the settings and binds the server (not yet serving; call {@code start()}). */
    public SigstoreSimulator build() {
      try {
        return new SigstoreSimulator(config());
      } catch (IOException e) {
        throw new UncheckedIOException("binding the simulator's HTTP server", e);
      }
    }
  }
}
