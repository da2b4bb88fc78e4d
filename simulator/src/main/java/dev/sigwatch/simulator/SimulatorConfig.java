package dev.sigwatch.simulator;

import dev.sigwatch.simulator.ca.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
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
 * @param rekorV1Hostname the Rekor v1 server's configured {@code rekor_server.hostname}: the key name of its
 *     checkpoints and the first half of their origin {@code <hostname> - <treeID>}; real servers default to the
 *     machine's hostname, unrelated to the URL in the trusted root. Null: the host (and port) of the simulator's URL,
 *     the old convention of this simulator
 * @param rekorV2Origin the Rekor v2 checkpoint origin (and key name). Null: the hostname of the base URL without port
 *     or path, as sigstore-go derives it; {@link #URL_WITHOUT_SCHEME}: the base URL without scheme (host, port and
 *     path), the old convention of this simulator; anything else: that literal, as a private instance may configure
 * @param backdate how far before the clock entries are timed: Rekor v1 integrated times, CT timestamps (SCTs, leaves)
 *     and certificate validity, as in a log read from the start (checkpoints and tree heads stay at the clock)
 * @param poolCertificates how many distinct certificates bulk entries ({@code pregenerate}, timed growth) cycle
 *     through, issued over the pool's identities (each logged to both CT logs): 3 by default; a benchmark asks for
 *     more than the JDK's certificate cache (750), as on a real log where every certificate is new
 * @param packedEntries the memory-light mode for benchmarks of millions of entries: Rekor v1 and v2 keep each entry as
 *     a packed record (template number, digest, time, SET: ~117 and 36 bytes) instead of an object, beside the Merkle
 *     tree's 64 bytes per leaf; entries are rendered when served, byte for byte as in the default mode
 */
public record SimulatorConfig(int port, int threads, int ctMaxEntries, int entriesPerSecond, int initialEntries,
    int inactiveShardEntries, boolean witnessed, List<Identity> identities, Clock clock, String rekorV1Hostname,
    String rekorV2Origin, Duration backdate, int poolCertificates, boolean packedEntries) {
  /** The {@code rekorV2Origin} that means: the base URL without scheme. */
  public static final String URL_WITHOUT_SCHEME = "<url without scheme>";
  /**
   * The default {@code rekorV1Hostname} starts with this and ends with random hex: a machine name, as a Rekor server
   * reports when none is configured (one per simulator, as each server runs on its own machine).
   */
  public static final String DEFAULT_REKOR_V1_HOSTNAME = "rekor-server-";
  /** The default {@code backdate}: four months, like entries read from index 0 of a log that has run a while. */
  public static final Duration DEFAULT_BACKDATE = Duration.ofDays(120);

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
    if (rekorV1Hostname != null && (rekorV1Hostname.isBlank() || rekorV1Hostname.contains(" - "))) {
      throw new IllegalArgumentException("rekorV1Hostname must be a non-blank name without \" - \", was \""
          + rekorV1Hostname + "\"");
    }
    if (rekorV2Origin != null && (rekorV2Origin.isBlank() || rekorV2Origin.contains("\n"))) {
      throw new IllegalArgumentException("rekorV2Origin must be a non-blank line, was \"" + rekorV2Origin + "\"");
    }
    if (backdate == null || backdate.isNegative()) {
      throw new IllegalArgumentException("backdate must be >= 0, was " + backdate);
    }
    if (poolCertificates < 1) {
      throw new IllegalArgumentException("poolCertificates must be >= 1, was " + poolCertificates);
    }
  }

  /**
   * Builder with defaults: any port, 8 threads, CT pages of 64, no timed growth, no initial entries, no frozen shard,
   * witnessed Rekor v2 checkpoints, system clock, and the conventions of real deployments: a Rekor v1 hostname unlike
   * its URL's host ({@link #DEFAULT_REKOR_V1_HOSTNAME}{@code <hex>.sim.internal}), a Rekor v2 origin that is the hostname of a base URL with a
   * port and a path, entries timed {@link #DEFAULT_BACKDATE} before the clock.
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
    private String rekorV1Hostname = DEFAULT_REKOR_V1_HOSTNAME + String.format(java.util.Locale.ROOT, "%06x",
        java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 24)) + ".sim.internal";
    private String rekorV2Origin;
    private Duration backdate = DEFAULT_BACKDATE;
    private int poolCertificates = 3;
    private boolean packedEntries;

    public Builder port(int p) { port = p; return this; }
    public Builder threads(int t) { threads = t; return this; }
    public Builder ctMaxEntries(int n) { ctMaxEntries = n; return this; }
    public Builder entriesPerSecond(int n) { entriesPerSecond = n; return this; }
    public Builder initialEntries(int n) { initialEntries = n; return this; }
    public Builder inactiveShardEntries(int n) { inactiveShardEntries = n; return this; }
    public Builder witnessed(boolean w) { witnessed = w; return this; }
    public Builder identity(Identity id) { identities.add(id); return this; }
    public Builder clock(Clock c) { clock = c; return this; }
    /** @param h the Rekor v1 server's hostname, or null for the host:port of its URL */
    public Builder rekorV1Hostname(String h) { rekorV1Hostname = h; return this; }
    /** @param o a literal Rekor v2 origin, null for the URL's hostname, {@link #URL_WITHOUT_SCHEME} for that */
    public Builder rekorV2Origin(String o) { rekorV2Origin = o; return this; }
    public Builder backdate(Duration d) { backdate = d; return this; }
    public Builder poolCertificates(int n) { poolCertificates = n; return this; }
    /** The memory-light mode for benchmarks: see {@link SimulatorConfig#packedEntries}. */
    public Builder packedEntries(boolean p) { packedEntries = p; return this; }

    /**
     * This simulator's old conventions: checkpoint names derived from the URL (Rekor v1 {@code host:port}, Rekor v2
     * the URL without scheme) and entries timed at the clock.
     */
    public Builder legacyConventions() {
      rekorV1Hostname = null;
      rekorV2Origin = URL_WITHOUT_SCHEME;
      backdate = Duration.ZERO;
      return this;
    }

    public SimulatorConfig config() {
      return new SimulatorConfig(port, threads, ctMaxEntries, entriesPerSecond, initialEntries, inactiveShardEntries,
          witnessed, identities, clock, rekorV1Hostname, rekorV2Origin, backdate, poolCertificates, packedEntries);
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
