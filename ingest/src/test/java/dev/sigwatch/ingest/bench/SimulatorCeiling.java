package dev.sigwatch.ingest.bench;

import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.RekorV1Sim;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RateLimiter;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.ingest.http.Sleeper;
import dev.sigwatch.ingest.rekor.HttpRekorV1Client;
import dev.sigwatch.ingest.rekor.RekorV1Source;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling the local Rekor v1 simulator puts on ingest (no Kafka): {@code threads} loops each POST
 * {@code retrieve} of 10 consecutive indexes for {@code seconds}, in one of three modes: {@code raw} (JDK HttpClient,
 * body as bytes), {@code client} ({@link HttpRekorV1Client}: adds {@link LogHttp} and splitting the array) and
 * {@code source} ({@link RekorV1Source#fetch}: adds per-entry parsing, base64, leaf hash and the Avro record).
 *
 * <p>Run (after {@code mvn -B -q -o -Dsigwatch.buildDir=target-X install -DskipTests -pl ingest -am} and
 * {@code mvn -B -q -o -Dsigwatch.buildDir=target-X -pl ingest test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp -Dmdep.includeScope=test}):
 * <pre>
 * java -cp ingest/target-X/test-classes:ingest/target-X/classes:$(cat /tmp/cp) \
 *     dev.sigwatch.ingest.bench.SimulatorCeiling [entries=100000] [threads=32] [seconds=15] [mode=raw|stream|timeout|both|urlconnection|client|source]
 * </pre>
 */
public final class SimulatorCeiling {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    String mode = args.length > 3 ? args[3] : "raw";
    System.setProperty("http.maxConnections", Integer.toString(threads)); // keep-alive for every urlconnection thread
    try (RekorV1Sim sim = new RekorV1Sim("rekor.bench", Math.max(8, threads))) {
      for (int done = 0; done < n; done += 50_000) sim.grow(Math.min(50_000, n - done));
      HttpClient http = LogHttp.defaultClient();
      LogTarget target = LogTarget.of("rekor-v1", sim.url());
      LogHttp logHttp = new LogHttp("bench", http, RetryPolicy.DEFAULT,
          new RateLimiter(Double.POSITIVE_INFINITY, 1, System::nanoTime, Sleeper.SYSTEM), Sleeper.SYSTEM,
          Duration.ofSeconds(30), LogHttp.DEFAULT_MAX_RESPONSE_BYTES, LogHttp.Listener.NONE);
      HttpRekorV1Client client = new HttpRekorV1Client(target, logHttp);
      RekorV1Source source = new RekorV1Source(target, client, Topics.create(SerdeConfig.embedded()), Clock.systemUTC());
      source.poll(java.util.Map.of());
      URI retrieve = target.resolve("api/v1/log/entries/retrieve");
      AtomicLong entries = new AtomicLong();
      AtomicLong next = new AtomicLong();
      AtomicLong loadCpu = new AtomicLong();
      for (int phase = 0; phase < 2; phase++) { // phase 0 warms up (a third of the time), phase 1 is measured
        long until = System.nanoTime() + (phase == 0 ? seconds / 3 : seconds) * 1_000_000_000L;
        entries.set(0);
        loadCpu.set(0);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Thread th = new Thread(() -> {
            long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            try {
              while (System.nanoTime() < until) {
                long a = next.getAndAdd(10) % (n - 10);
                switch (mode) {
                  case "raw" -> {
                    StringBuilder b = new StringBuilder("{\"logIndexes\":[");
                    for (long i = a; i < a + 10; i++) b.append(i > a ? "," : "").append(i);
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(retrieve)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(b.append("]}").toString())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
                  }
                  case "stream", "timeout", "both" -> {
                    StringBuilder b = new StringBuilder("{\"logIndexes\":[");
                    for (long i = a; i < a + 10; i++) b.append(i > a ? "," : "").append(i);
                    HttpRequest.Builder rb = HttpRequest.newBuilder(retrieve).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(b.append("]}").toString()));
                    if (mode.equals("both")) rb.timeout(Duration.ofSeconds(30));
                    if (mode.equals("timeout")) {
                      http.send(rb.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    } else {
                      try (java.io.InputStream in = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
                        in.readNBytes(LogHttp.DEFAULT_MAX_RESPONSE_BYTES);
                      }
                    }
                  }
                  case "urlconnection" -> { // the JDK's blocking client, for comparison with HttpClient
                    StringBuilder b = new StringBuilder("{\"logIndexes\":[");
                    for (long i = a; i < a + 10; i++) b.append(i > a ? "," : "").append(i);
                    java.net.HttpURLConnection c = (java.net.HttpURLConnection) retrieve.toURL().openConnection();
                    c.setRequestMethod("POST");
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", "application/json");
                    try (java.io.OutputStream o = c.getOutputStream()) {
                      o.write(b.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    if (c.getResponseCode() != 200) throw new IllegalStateException("HTTP " + c.getResponseCode());
                    try (java.io.InputStream in = c.getInputStream()) {
                      in.readAllBytes();
                    }
                  }
                  case "client" -> {
                    List<Long> idx = new ArrayList<>();
                    for (long i = a; i < a + 10; i++) idx.add(i);
                    client.retrieve(idx);
                  }
                  case "source" -> source.fetch(a, a + 10);
                  default -> throw new IllegalArgumentException("mode must be raw, client or source, was " + mode);
                }
                entries.addAndGet(10);
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            } finally {
              loadCpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0);
            }
          });
          th.start();
          ts.add(th);
        }
        long t0 = System.nanoTime();
        java.util.Map<String, Long> cpu0 = CpuByComponent.snapshot();
        for (Thread t : ts) t.join(); // the load threads' own CPU counts as "broker+other" (they run the client)
        java.util.Map<String, Long> cpu1 = CpuByComponent.snapshot();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (phase == 1) {
          System.out.printf(Locale.ROOT, "simulator %s: %,.0f entries/s (%,.0f requests/s), %d threads, %.1f s%n",
              mode, entries.get() / secs, entries.get() / secs / 10, threads, secs);
          System.out.println(String.format(Locale.ROOT, "  CPU per entry: load threads %.1f µs; ",
              loadCpu.get() / 1e3 / entries.get()) + CpuByComponent.perEntry(cpu0, cpu1, entries.get()));
        }
      }
    }
  }
}
