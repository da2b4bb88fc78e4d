package dev.sigwatch.alert.store.bench;

import dev.sigwatch.alert.replay.ReplayOutput;
import dev.sigwatch.alert.replay.ReplayService;
import dev.sigwatch.alert.replay.Replayer;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.IdentityQuery;
import dev.sigwatch.alert.store.IdentityQuery.Match;
import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.alert.store.jdbc.JdbcAlertStore;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.SubjectAltName;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Measures the alert store: fills it with {@code N} identity events shaped like public Rekor's (GitHub Actions
 * workflow identities over a few thousand repositories, e-mail signers, key-only entries), then times each kind of
 * forensic search (p50 / p99 over many queries) and a replay scan (every stored event through a watchlist).
 *
 * <pre>java -cp ... dev.sigwatch.alert.store.bench.StoreBenchmark jdbc:sqlite:/tmp/bench.db 1000000 [all|search|replay|fill] [copies]</pre>
 * A store that already holds events is not refilled, only topped up to {@code N}: generated through the store's write
 * path, or with {@code copies} by copying what it holds inside the database ({@link BulkIndexes#copies}), which is
 * how the 10-million-event replay store is made from a generated million.
 */
public final class StoreBenchmark {
  static final String LOG = "rekor.sigstore.dev - 1193050959916656506";
  static final String GITHUB = "https://token.actions.githubusercontent.com";
  static final String GOOGLE = "https://accounts.google.com";
  static final long T0 = 1_760_000_000L;

  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    String what = args.length > 2 ? args[2] : "all";
    try (AlertStore s = JdbcAlertStore.open(url, null, null, 2, Clock.systemUTC())) {
      long have = s.countIdentities(IdentityScan.ALL);
      if (have < n) fill(url, s, (int) have, n, args.length > 3 && args[3].equals("copies"));
      System.out.printf(Locale.ROOT, "store: %s, %,d identity events%n", s.describe(), s.countIdentities(IdentityScan.ALL));
      if (what.equals("all") || what.equals("search")) search(s, n);
      if (what.equals("all") || what.equals("replay")) replay(s, n);
    }
  }

  static void search(AlertStore s, int n) {
    System.out.printf(Locale.ROOT, "search: load average %.1f%n", ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage());
    Random r = new Random(7);
    time(s, "identity exact (SAN)", 200, i -> IdentityQuery.builder()
        .identity(san(r.nextInt(n)), Match.EXACT).build());
    time(s, "identity prefix (repo)", 200, i -> IdentityQuery.builder()
        .identity("https://github.com/org" + r.nextInt(500) + "/repo", Match.PREFIX).build());
    time(s, "identity regex", 10, i -> IdentityQuery.builder()
        .identity("^dev" + r.nextInt(1000) + "9@example\\.com$", Match.REGEX).build());
    time(s, "OIDC issuer (newest page)", 200, i -> IdentityQuery.builder()
        .oidcIssuer(r.nextBoolean() ? GITHUB : GOOGLE).build());
    time(s, "certificate SHA-256", 200, i -> IdentityQuery.builder().certSha256(sha("cert" + r.nextInt(n))).build());
    time(s, "key SHA-256", 200, i -> IdentityQuery.builder().keySha256(sha("key" + r.nextInt(n))).build());
    time(s, "artifact digest", 200, i -> IdentityQuery.builder()
        .artifactDigest("sha256:" + sha("artifact" + r.nextInt(n))).build());
    time(s, "Rekor UUID", 200, i -> IdentityQuery.builder().uuid(sha("uuid" + r.nextInt(n))).build());
    time(s, "log + index", 200, i -> IdentityQuery.builder().logId(LOG).logIndex((long) r.nextInt(n)).build());
    time(s, "time range (1 h, newest page)", 200, i -> {
      long t = T0 + r.nextInt(Math.max(1, n / 230)); // ~230 entries/s, as public Rekor
      return IdentityQuery.builder().from(Instant.ofEpochSecond(t)).to(Instant.ofEpochSecond(t + 3600)).build();
    });
    time(s, "time range (1 h) + issuer", 200, i -> {
      long t = T0 + r.nextInt(Math.max(1, n / 230));
      return IdentityQuery.builder().oidcIssuer(r.nextBoolean() ? GITHUB : GOOGLE).from(Instant.ofEpochSecond(t))
          .to(Instant.ofEpochSecond(t + 3600)).build();
    });
    time(s, "time range (1 h) + prefix", 200, i -> {
      long t = T0 + r.nextInt(Math.max(1, n / 230));
      return IdentityQuery.builder().identity("https://github.com/org" + r.nextInt(500) + "/repo", Match.PREFIX)
          .from(Instant.ofEpochSecond(t)).to(Instant.ofEpochSecond(t + 3600)).build();
    });
  }

  /**
   * Fills {@code [from, n)} through the store's own write path ({@link AlertStore#write}: dedupe, id allocation,
   * terms), one transaction per 10,000 events. A big fill ({@link BulkIndexes}) first drops the secondary indexes and
   * builds them again at the end: sorting once is far faster than millions of random btree inserts.
   */
  static void fill(String url, AlertStore s, int from, int n, boolean copies) throws Exception {
    BulkIndexes bulk = n - from >= BULK ? BulkIndexes.drop(url) : null;
    if (copies && from > 0) {
      // The copies are for timing a replay, which reads by primary key only: rebuilding the secondary indexes over
      // ten million rows would take most of an hour on this machine and change nothing that is measured.
      BulkIndexes.copies(url, from, n);
      System.out.println("copies: secondary indexes left dropped (a replay reads by primary key; search is timed on "
          + "the generated store)");
      return;
    }
    fill(s, from, n);
    if (bulk != null) bulk.rebuild();
  }

  /** From how many events a fill drops and rebuilds the indexes. */
  static final int BULK = 200_000;

  static void fill(AlertStore s, int from, int n) {
    long t0 = System.nanoTime();
    List<IdentityEvent> batch = new ArrayList<>(10_000);
    for (int i = from; i < n; i++) {
      batch.add(event(i));
      if (batch.size() == 10_000 || i == n - 1) {
        s.write(new StoreBatch(List.of(), List.of(), batch, "bench", Map.of()));
        batch.clear();
        if ((i + 1) % 100_000 == 0) {
          System.out.printf(Locale.ROOT, "filled %,d (%.0f/s)%n", i + 1, (i + 1 - from) / ((System.nanoTime() - t0) / 1e9));
        }
      }
    }
    System.out.printf(Locale.ROOT, "filled %,d events in %.1f s (%.0f/s)%n", n - from, (System.nanoTime() - t0) / 1e9,
        (n - from) / ((System.nanoTime() - t0) / 1e9));
  }

  /** Two in three entries a GitHub workflow of one of 50,000 repositories, one in three an e-mail signer. */
  static String san(int i) {
    return i % 3 == 2 ? "dev" + (i % 20_000) + "@example.com"
        : "https://github.com/org" + (i % 500) + "/repo" + (i % 50_000) + "/.github/workflows/release.yml@refs/tags/v"
            + (i % 97);
  }

  static IdentityEvent event(int i) {
    String san = san(i);
    boolean email = i % 3 == 2;
    return IdentityEvent.newBuilder()
        .setSource(IdentitySource.REKOR).setLogId(LOG).setLogIndex(i).setUuid(sha("uuid" + i))
        .setIntegratedTime(T0 + i / 230).setEntryKind(i % 5 == 0 ? "dsse" : "hashedrekord").setEntryVersion("0.0.1")
        .setSans(List.of(new SubjectAltName(email ? "email" : "uri", san)))
        .setOidcIssuer(email ? GOOGLE : GITHUB)
        .setExtensions(email ? Map.of("1.3.6.1.4.1.57264.1.8", GOOGLE) : Map.of("1.3.6.1.4.1.57264.1.8", GITHUB,
            "1.3.6.1.4.1.57264.1.12", "https://github.com/org" + (i % 500) + "/repo" + (i % 50_000),
            "1.3.6.1.4.1.57264.1.20", "push"))
        .setSubjects(List.of()).setCertFingerprint(sha("cert" + i)).setKeyFingerprints(List.of(sha("key" + i)))
        .setCertSerial(Integer.toHexString(i)).setCertIssuerDn("CN=sigstore-intermediate,O=sigstore.dev")
        .setNotBeforeMillis((T0 + i / 230) * 1000).setNotAfterMillis((T0 + i / 230) * 1000 + 600_000)
        .setArtifactDigest("sha256:" + sha("artifact" + i)).setObservedAtMillis((T0 + i / 230) * 1000 + 2000)
        .build();
  }

  static void time(AlertStore s, String what, int queries, IntFunction<IdentityQuery> q) {
    long[] nanos = new long[queries];
    long hits = 0;
    for (int i = 0; i < queries; i++) {
      IdentityQuery query = q.apply(i);
      long t = System.nanoTime();
      hits += s.identities(query).items().size();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "%-30s p50 %8.2f ms  p99 %8.2f ms  (%d queries, %.1f results each)%n", what,
        nanos[queries / 2] / 1e6, nanos[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1e6, queries,
        hits / (double) queries);
  }

  /**
   * A whole replay ({@link Replayer}, as {@code sigwatch replay --store} runs it) of every stored event through a
   * 3-rule watchlist, results into the store under a fresh name: its wall-clock rate and the process's CPU time per
   * event (what a loaded machine does not distort: compare it with a quiet machine's rate x cores), with the load
   * average around it. Workers: {@code -Dworkers=N} (default one per core).
   */
  static void replay(AlertStore s, int n) {
    String yaml = """
        monitoredValues:
          certIdentities:
            - certSubject: ^https://github\\.com/org42/
              issuers: [%s]
            - certSubject: dev77@example\\.com
          fingerprints: [%s]
        """.formatted(GITHUB, sha("key12345"));
    int workers = Integer.getInteger("workers", Replayer.DEFAULT_WORKERS);
    String name = "bench-" + System.currentTimeMillis();
    ReplayService.Prepared p = ReplayService.prepare(s, name, yaml, null, null, null, "store", Instant.now());
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double load0 = os.getSystemLoadAverage();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long[] lastPrint = {t0};
    Replayer.Outcome o;
    try (ReplayOutput out = ReplayOutput.store(s, name)) {
      o = new Replayer(s, Replayer.DEFAULT_CHUNK, workers).run(p.run(), p.watchlist(), p.scan(), out,
          (done, total, m) -> {
            long now = System.nanoTime();
            if (now - lastPrint[0] > 10e9) {
              lastPrint[0] = now;
              System.out.printf(Locale.ROOT, "  replay: %,d of %,d (%.0f/s), %,d matches, load %.1f%n", done, total,
                  done / ((now - t0) / 1e9), m, os.getSystemLoadAverage());
            }
          }, () -> false);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    double sec = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    System.out.printf(Locale.ROOT, "replay %s: %s, %,d events in %.1f s = %.0f events/s wall (%d workers), CPU %.1f s "
        + "= %.2f us/event (one core's worth: %.0f events/s), %,d matches; load average %.1f at start, %.1f at end%n",
        name, o.state(), o.scanned(), sec, o.scanned() / sec, workers, cpu, cpu * 1e6 / Math.max(1, o.scanned()),
        o.scanned() / Math.max(1e-9, cpu), o.matches(), load0, os.getSystemLoadAverage());
  }

  static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
