package dev.sigwatch.ingest.bench;

import dev.sigwatch.ingest.RekorV1Sim;
import dev.sigwatch.simulator.faults.Fault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's Rekor v1 simulator in a child JVM (a real log is never in our JVM, so its CPU must not be counted
 * as ours). {@link #main} is the child: {@code SimProcess entries threads delayMs}; it generates the entries, prints
 * {@code READY <url>} and serves until its stdin closes (so it dies with the parent). Benchmark helper.
 */
final class SimProcess implements AutoCloseable {
  private final Process process;
  private final String url;

  private SimProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Starts the child with this JVM's java and class path; returns once it serves {@code entries} entries. */
  static SimProcess start(int entries, int threads, int delayMs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        SimProcess.class.getName(), Integer.toString(entries), Integer.toString(threads), Integer.toString(delayMs)))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("READY ")) return new SimProcess(p, line.substring("READY ".length()).strip());
    }
    p.destroyForcibly();
    throw new IOException("simulator child exited before READY: exit " + waitFor(p));
  }

  String url() {
    return url;
  }

  /** CPU time the child used so far, in nanoseconds (0 if the OS does not say). */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  @Override
  public void close() {
    process.destroy();
    waitFor(process);
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return -1;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    int delayMs = Integer.parseInt(args[2]);
    try (RekorV1Sim sim = new RekorV1Sim("rekor.bench", threads)) {
      generate(sim, n, delayMs);
      System.out.println("READY " + sim.url());
      System.out.flush();
      CountDownLatch parentGone = new CountDownLatch(1);
      Thread watch = new Thread(() -> {
        try {
          while (System.in.read() >= 0) { /* the parent never writes */ }
        } catch (IOException e) {
          // parent gone
        }
        parentGone.countDown();
      }, "parent-watch");
      watch.setDaemon(true);
      watch.start();
      parentGone.await();
    }
  }

  /** {@code n} entries; with {@code delayMs > 0} every retrieve answers after that delay (a network round trip). */
  static void generate(RekorV1Sim sim, int n, int delayMs) {
    System.err.printf(Locale.ROOT, "generating %d entries...%n", n);
    for (int done = 0; done < n; done += 50_000) sim.grow(Math.min(50_000, n - done));
    System.err.printf(Locale.ROOT, "rendering %d entries ahead...%n", n);
    sim.prerender();
    if (delayMs > 0) {
      sim.faults.inject(Fault.withProbability(1.0, Fault.Kind.SLOW, "/api/v1/log/entries").withDelay(Duration.ofMillis(delayMs)));
    }
  }
}
