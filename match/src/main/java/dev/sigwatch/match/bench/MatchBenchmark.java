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
 *     dev.sigwatch.match.bench.MatchBenchmark ../shared/fixtures [seconds]
 * </pre>
 */
public final class MatchBenchmark {
  private MatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path fixtures = Path.of(args.length > 0 ? args[0] : "../shared/fixtures");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<RekorEntry> entries = new ArrayList<>();
    try (var files = Files.list(fixtures.resolve("rekor-v1/entries"))) {
      for (Path p : files.sorted().toList()) {
        String json = Files.readString(p);
        int b = json.indexOf("\"body\"");
        int start = json.indexOf('"', json.indexOf(':', b) + 1) + 1;
        byte[] body = Base64.getDecoder().decode(json.substring(start, json.indexOf('"', start)));
        entries.add(RekorEntry.newBuilder().setLogId("bench").setLogType(LogType.REKOR_V1).setLeafIndex(entries.size())
            .setLogIndex(entries.size()).setIntegratedTime(0L).setBody(ByteBuffer.wrap(body)).setObservedAtMillis(0)
            .build());
      }
    }
    Watchlist watchlist = Watchlist.of(rules(100));
    System.out.printf(Locale.ROOT, "%d fixture entries, %d rules%n", entries.size(), watchlist.size());
    run(entries, watchlist, 3); // warm-up
    double rate = run(entries, watchlist, seconds);
    System.out.printf(Locale.ROOT, "parse + identities + match: %.0f entries/s on one thread%n", rate);
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
    if (matches < 0) {
      System.out.println(matches);
    }
    return n / secs;
  }
}
