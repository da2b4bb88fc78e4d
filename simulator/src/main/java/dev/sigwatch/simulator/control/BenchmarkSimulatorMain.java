package dev.sigwatch.simulator.control;

import dev.sigwatch.simulator.SigstoreSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The simulator as a benchmark's child process, so that neither its CPU nor its memory is counted as the monitor's:
 * {@code BenchmarkSimulatorMain <entries> <certificates> <trustDir>} starts a simulator in the memory-light mode
 * ({@code packedEntries}), pre-generates {@code entries} entries in Rekor v1 and in Rekor v2, writes the trusted root
 * and signing config to {@code trustDir}, serves {@link ControlRoutes} at {@code /control}, prints
 * {@code READY <baseUrl>} on stdout, and serves until its stdin closes (it dies with its parent).
 */
public final class BenchmarkSimulatorMain {
  private BenchmarkSimulatorMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: BenchmarkSimulatorMain <entries> <certificates> <trustDir>");
      System.exit(2);
    }
    int entries = Integer.parseInt(args[0]);
    int certificates = Integer.parseInt(args[1]);
    Path trustDir = Path.of(args[2]);
    long t0 = System.nanoTime();
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).threads(16).poolCertificates(certificates)
        .packedEntries(true).build().start()) {
      sim.route("/control", new ControlRoutes(sim));
      sim.pregenerate(entries);
      sim.writeTrustedRoot(trustDir);
      System.err.printf(Locale.ROOT, "%d entries per Rekor log pre-generated in %.1f s, heap used %d MB%n", entries,
          (System.nanoTime() - t0) / 1e9, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
      System.out.println("READY " + sim.baseUrl());
      System.out.flush();
      while (System.in.read() >= 0) {
        // the parent never writes: end of input means it is gone
      }
    }
  }
}
