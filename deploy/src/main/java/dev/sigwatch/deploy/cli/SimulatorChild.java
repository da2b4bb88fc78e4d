package dev.sigwatch.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.LogTarget;
import dev.sigwatch.simulator.control.BenchmarkSimulatorMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The benchmark's simulator in a child JVM ({@link BenchmarkSimulatorMain}, memory-light mode), driven over its
 * {@code /control} routes: a real log is never in the monitor's JVM, so neither its CPU nor its memory (the Merkle
 * trees and entries of millions of leaves) may be counted as sigwatch's. Started with this JVM's java and class path;
 * dies with its parent (it serves until its stdin closes). Thread-safe.
 */
final class SimulatorChild implements BenchSimulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final String baseUrl;
  private final Path trustedRoot;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private SimulatorChild(Process process, String baseUrl, Path trustedRoot) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.trustedRoot = trustedRoot;
  }

  /**
   * Starts the child with {@code entries} pre-generated entries per Rekor log over {@code certificates} certificates;
   * returns once it serves them. Its heap is sized for the entries and {@code grown} more per log (appended later, by
   * a rate run): ~281 bytes live per entry pair (two Merkle trees of 64 bytes per leaf, 117 + 36 bytes of packed
   * entries), plus room for garbage and for a Rekor v2 fork's copy of half the tree. It runs the parallel collector
   * (as the launcher runs sigwatch): its live set is the logs, which only grow, and G1's concurrent marking of them
   * cost it ~8% of its CPU in a profile. Its output goes to {@code say} line by line.
   */
  static SimulatorChild start(long entries, long grown, int certificates, Path trustDir, Consumer<String> say)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long heapMb = 512 + (entries + grown) * 450 / (1 << 20);
    Process p = new ProcessBuilder(List.of(java, "-XX:+UseParallelGC", "-Xmx" + heapMb + "m", "-cp",
        System.getProperty("java.class.path"), BenchmarkSimulatorMain.class.getName(), Long.toString(entries),
        Integer.toString(certificates), trustDir.toString())).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("READY ")) {
        Thread drain = new Thread(() -> forward(out, say), "benchmark-simulator-output");
        drain.setDaemon(true);
        drain.start();
        say.accept("simulator child (pid " + p.pid() + ", -Xmx" + heapMb + "m) serving at " + line.substring(6).strip());
        return new SimulatorChild(p, line.substring("READY ".length()).strip(), trustDir.resolve("trusted_root.json"));
      }
      say.accept("simulator: " + line);
    }
    p.destroyForcibly();
    throw new IOException("the simulator child exited before it was ready: exit " + p.exitValue());
  }

  /** The child's output after READY, so that its pipe never fills (which would block it). */
  private static void forward(BufferedReader out, Consumer<String> say) {
    try {
      for (String line; (line = out.readLine()) != null; ) {
        if (!line.contains(" INFO ")) say.accept("simulator: " + line); // its per-trigger INFO lines are noise here
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  @Override
  public String rekorV1Url() {
    return baseUrl + "/rekor";
  }

  @Override
  public String rekorV2Url() {
    return baseUrl + "/rekor2";
  }

  @Override
  public Path trustedRoot() {
    return trustedRoot;
  }

  @Override
  public Status status() {
    return parse(call("GET", "status"));
  }

  @Override
  public void addIdentity(String email, String issuer) {
    call("POST", "identity?email=" + enc(email) + "&issuer=" + enc(issuer));
  }

  @Override
  public void trigger(Incident incident, LogTarget target) {
    call("POST", "trigger?incident=" + incident + "&target=" + target);
  }

  @Override
  public void grow(int n) {
    call("POST", "grow?n=" + n);
  }

  @Override
  public void pregenerate(int n) {
    call("POST", "pregenerate?n=" + n);
  }

  @Override
  public long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** The child's resident set in MB (from /proc), or -1 where there is none. */
  long rssMb() {
    return ProcessMemory.rssMb(process.pid());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private JsonNode call(String method, String path) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/control/" + path)).timeout(Duration.ofMinutes(5))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("simulator control " + path + ": HTTP " + r.statusCode() + " "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("calling the simulator's control " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling the simulator's control " + path, e);
    }
  }

  private static Status parse(JsonNode s) {
    return new Status(s.path("rekorV1Origin").asText(), s.path("rekorV1Size").asLong(), s.path("rekorV2Size").asLong());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
