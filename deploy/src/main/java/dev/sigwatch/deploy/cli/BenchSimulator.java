package dev.sigwatch.deploy.cli;

import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.LogTarget;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import java.nio.file.Path;

/**
 * The simulator {@code sigwatch benchmark} reads from and drives: in this JVM ({@link #inJvm}, every entry rendered
 * ahead) or a child process ({@link SimulatorChild}: its CPU and memory are then not the monitor's, and it holds
 * millions of entries in its memory-light mode). Thread-safe.
 */
interface BenchSimulator extends AutoCloseable {
  /**
   * What a driver needs to know of the logs now: the Rekor v1 active shard's origin (its log id in alerts and events)
   * and published size (of that shard, as its checkpoints count), and Rekor v2's published size.
   */
  record Status(String rekorV1Origin, long rekorV1Size, long rekorV2Size) {}

  String rekorV1Url();

  String rekorV2Url();

  /** The trusted root file the simulator wrote for its logs and CA. */
  Path trustedRoot();

  Status status();

  /** A signing by a new certificate for {@code email} (logged to both CT logs), logged to Rekor v1 and v2. */
  void addIdentity(String email, String issuer);

  /** Stages {@code incident} on {@code target}: see {@link SigstoreSimulator#trigger(Incident, LogTarget)}. */
  void trigger(Incident incident, LogTarget target);

  /** Appends {@code n} entries to each Rekor log and publishes every log's head (ends a Rekor v2 split view). */
  void grow(int n);

  /** Appends {@code n} bulk entries to each Rekor log and publishes: see {@link SigstoreSimulator#pregenerate}. */
  void pregenerate(int n);

  /** CPU time the simulator used so far in nanoseconds, or -1 when it runs in this JVM (its threads count there). */
  long cpuNanos();

  @Override
  void close();

  /** {@code sim} in this JVM; its trusted root is written to {@code trustDir}. */
  static BenchSimulator inJvm(SigstoreSimulator sim, Path trustDir) {
    Path root = sim.writeTrustedRoot(trustDir);
    return new BenchSimulator() {
      @Override public String rekorV1Url() { return sim.rekorV1Url(); }
      @Override public String rekorV2Url() { return sim.rekorV2Url(); }
      @Override public Path trustedRoot() { return root; }
      @Override public Status status() {
        var v1 = sim.rekorV1();
        return new Status(v1.origin(v1.active()), v1.active().head().size(), sim.rekorV2().publishedSize());
      }
      @Override public void addIdentity(String email, String issuer) { sim.addIdentity(Identity.email(email, issuer)); }
      @Override public void trigger(Incident incident, LogTarget target) { sim.trigger(incident, target); }
      @Override public void grow(int n) { sim.grow(n); }
      @Override public void pregenerate(int n) { sim.pregenerate(n); }
      @Override public long cpuNanos() { return -1; }
      @Override public void close() { sim.close(); }
    };
  }
}
