package dev.sigwatch.match.bench;

import dev.sigwatch.match.parse.EntryParseException;
import dev.sigwatch.match.parse.IdentityEvents;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.WatchRule;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Matching throughput on one thread: real Rekor v1 entry bodies (the fixture entries) → parse → identities →
 * a 100-rule watchlist (rekor-monitor-style regexes over SANs with issuers, fingerprints, extensions), the work one
 * stream thread does per entry (Kafka I/O and chain checks of the few matches excluded).
 *
 * <pre>
 * mvn -B -q -o install -DskipTests -pl match -am
 * java -cp "match/target/classes:$(cd match && mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     dev.sigwatch.match.bench.MatchBenchmark ../shared/fixtures [seconds] [distinct]
 * </pre>
 * With {@code distinct} > 0 the entries are hashedrekord bodies, each with its own certificate (copies of the
 * fixture Fulcio certificates with a fresh key and serial): as on a real log, no parser cache ever hits.
 */
public final class MatchBenchmark {
  private MatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path fixtures = Path.of(args.length > 0 ? args[0] : "../shared/fixtures");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int distinct = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    List<RekorEntry> entries = new ArrayList<>();
    if (distinct > 0) {
      for (byte[] body : DistinctBodies.hashedRekords(fixtures.resolve("certs"), distinct)) {
        entries.add(entry(entries.size(), body));
      }
    } else {
      try (var files = Files.list(fixtures.resolve("rekor-v1/entries"))) {
        for (Path p : files.sorted().toList()) {
          String json = Files.readString(p);
          int b = json.indexOf("\"body\"");
          int start = json.indexOf('"', json.indexOf(':', b) + 1) + 1;
          entries.add(entry(entries.size(),
              Base64.getDecoder().decode(json.substring(start, json.indexOf('"', start)))));
        }
      }
    }
    Watchlist watchlist = Watchlist.of(rules(100));
    System.out.printf(Locale.ROOT, "%d %s entries, %d rules%n", entries.size(),
        distinct > 0 ? "hashedrekord (distinct certificates)" : "fixture", watchlist.size());
    run(entries, watchlist, 3); // warm-up
    long cpu = THREADS.getCurrentThreadCpuTime();
    long allocated = THREADS.getCurrentThreadAllocatedBytes();
    long[] n = new long[1];
    double rate = run(entries, watchlist, seconds, n);
    double micros = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / n[0];
    double bytes = (double) (THREADS.getCurrentThreadAllocatedBytes() - allocated) / n[0];
    System.out.printf(Locale.ROOT, "parse + identities + match: %.0f entries/s on one thread, %.1f µs CPU/entry"
        + " (%.0f entries per CPU-second), %.0f bytes allocated/entry%n", rate, micros, 1e6 / micros, bytes);
  }

  /** Thread CPU time and allocation: far less sensitive to other load on the machine than wall-clock time. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  private static RekorEntry entry(int i, byte[] body) {
    return RekorEntry.newBuilder().setLogId("bench").setLogType(LogType.REKOR_V1).setLeafIndex(i).setLogIndex(i)
        .setIntegratedTime(0L).setBody(ByteBuffer.wrap(body)).setObservedAtMillis(0).build();
  }

  /** 100 rules: 60 certIdentities (half with issuers), 20 fingerprints, 10 subjects, 10 extension rules. */
  static List<WatchRule> rules(int n) {
    List<WatchRule> rules = new ArrayList<>();
    for (int i = 0; rules.size() < n; i++) {
      WatchRule r = switch (i % 10) {
        case 0, 1, 2 -> WatchRules.rule(RuleType.CERT_IDENTITY, "user" + i + "@example\\.com", List.of(), null, null,
            List.of(), 0);
        case 3, 4, 5 -> WatchRules.rule(RuleType.CERT_IDENTITY,
            "https://github\\.com/org" + i + "/.*/\\.github/workflows/release\\.yml@.*",
            List.of("https://token\\.actions\\.githubusercontent\\.com"), null, null, List.of(), 0);
        case 6, 7 -> WatchRules.rule(RuleType.FINGERPRINT, null, List.of(), String.format(Locale.ROOT, "%064x", i),
            null, List.of(), 0);
        case 8 -> WatchRules.rule(RuleType.SUBJECT, null, List.of(), "subject" + i + "@example\\.com", null, List.of(), 0);
        default -> WatchRules.rule(RuleType.FULCIO_EXTENSION, null, List.of(), null, "build-config-uri",
            List.of("https://github.com/org" + i + "/app/.github/workflows/release.yml@refs/heads/main"), 0);
      };
      rules.add(r);
    }
    return rules;
  }

  static double run(List<RekorEntry> entries, Watchlist watchlist, int seconds) throws EntryParseException {
    return run(entries, watchlist, seconds, new long[1]);
  }

  static double run(List<RekorEntry> entries, Watchlist watchlist, int seconds, long[] count)
      throws EntryParseException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    long n = 0;
    long matches = 0;
    while (System.nanoTime() < end) {
      for (RekorEntry e : entries) {
        for (IdentityEvent ev : IdentityEvents.fromRekor(e)) {
          matches += watchlist.match(ev).size();
        }
        n++;
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    count[0] = n;
    if (matches < 0) {
      System.out.println(matches);
    }
    return n / secs;
  }
}
