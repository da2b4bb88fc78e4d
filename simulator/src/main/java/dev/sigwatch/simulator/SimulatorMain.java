package dev.sigwatch.simulator;

import dev.sigwatch.simulator.ca.Identity;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator standalone: {@code SimulatorMain [port] [entriesPerSecond] [pregenerate] [outDir]}; writes the
 * trusted root and signing config to outDir (default ./sigstore-sim) and serves until killed.
 */
public final class SimulatorMain {
  private SimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int pre = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Path out = Path.of(args.length > 3 ? args[3] : "sigstore-sim");
    SigstoreSimulator sim = SigstoreSimulator.builder().port(port).entriesPerSecond(rate).inactiveShardEntries(100)
        .identity(Identity.email("alice@example.com", "https://accounts.google.com"))
        .identity(Identity.githubWorkflow("acme/widgets", ".github/workflows/release.yml", "refs/heads/main"))
        .build().start();
    sim.pregenerate(pre);
    Path root = sim.writeTrustedRoot(out);
    System.out.println("Rekor v1  " + sim.rekorV1Url());
    System.out.println("Rekor v2  " + sim.rekorV2Url());
    System.out.println("CT        " + sim.ctUrl());
    System.out.println("static-ct " + sim.staticCtUrl());
    System.out.println("trusted root " + root.toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
    new CountDownLatch(1).await();
  }
}
