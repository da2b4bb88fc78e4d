package dev.sigwatch.alert.replay;

import static dev.sigwatch.alert.store.Events.GITHUB;
import static dev.sigwatch.alert.store.Events.REKOR;
import static dev.sigwatch.alert.store.Events.sha256;
import static dev.sigwatch.alert.store.Events.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.alert.store.AlertQuery;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.Page;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.alert.store.StoreBackend;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.alert.store.StoredAlert;
import dev.sigwatch.schemas.IdentityEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forensic replays over a real store (SQLite, and PostgreSQL when available) holding 300 identity events of two logs.
 * The expected matches are derived from how the test built the events, with plain string tests — never by the
 * watchlist code under test — and compared as sets of {@code log#index#matched value}.
 */
class ReplayIT {
  static final String V2 = "log2025-1.rekor.sigstore.dev";
  static final String GOOGLE = "https://accounts.google.com";
  static final long T0 = 1_760_000_000L;
  static final String WATCHED_KEY = sha256("key" + REKOR + 1005);
  static final String WATCHLIST = """
      # a rekor-monitor config: its other keys are ignored
      startIndex: 0
      monitoredValues:
        certIdentities:
          - certSubject: ^https://github\\.com/acme/
            issuers: [https://token\\.actions\\.githubusercontent\\.com]
          - certSubject: ^dev1[0-9]*@acme\\.com$
        fingerprints:
          - %s
      """.formatted(WATCHED_KEY);

  @TempDir Path tmp;

  /** One event as the test built it, with what it knows about it. */
  record Built(IdentityEvent event, String san, String issuer) {}

  /** 240 Rekor v1 events (indexes 1000..1239) and 60 of a Rekor v2 log (0..59), a minute apart, in batches of 25. */
  static List<Built> events() {
    List<Built> out = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String log = i < 240 ? REKOR : V2;
      long index = i < 240 ? 1000 + i : i - 240;
      String san = switch (i % 4) {
        case 0 -> "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v" + i;
        case 1 -> "https://github.com/evil/acme/.github/workflows/release.yml@refs/heads/main";
        case 2 -> "dev" + i + "@acme.com";
        default -> "ops@other.org";
      };
      // every 8th acme workflow is signed with an issuer the rule does not accept
      String issuer = i % 4 >= 2 ? GOOGLE : i % 8 == 4 ? "https://gitlab.com" : GITHUB;
      out.add(new Built(signed(log, index, san, issuer, T0 + i * 60L), san, issuer));
    }
    return out;
  }

  /** What the watchlist must match, computed from the built events with string tests: {@code log#index#value}. */
  static Set<String> expected(List<Built> events, Predicate<IdentityEvent> selected) {
    Set<String> out = new HashSet<>();
    for (Built b : events) {
      IdentityEvent e = b.event();
      if (!selected.test(e)) continue;
      String at = e.getLogId() + "#" + e.getLogIndex() + "#";
      if (b.san().startsWith("https://github.com/acme/") && b.issuer().equals(GITHUB)) out.add(at + b.san());
      if (b.san().startsWith("dev1") && b.san().endsWith("@acme.com")
          && b.san().substring(4, b.san().length() - 9).chars().allMatch(Character::isDigit)) {
        out.add(at + b.san());
      }
      if (e.getKeyFingerprints().contains(WATCHED_KEY)) out.add(at + WATCHED_KEY);
    }
    return out;
  }

  static AlertStore filled(StoreBackend db, Path tmp, List<Built> events) {
    AlertStore s = db.open(tmp, Clock.systemUTC());
    for (int i = 0; i < events.size(); i += 25) {
      s.write(new StoreBatch(List.of(), List.of(), events.subList(i, Math.min(events.size(), i + 25)).stream()
          .map(Built::event).toList(), "g", Map.of()));
    }
    return s;
  }

  static Replayer.Outcome replay(AlertStore s, ReplayService.Prepared p, ReplayOutput out, int chunk) {
    return new Replayer(s, chunk).run(p.run(), p.watchlist(), p.scan(), out, (a, b, c) -> {}, () -> false);
  }

  static Set<String> found(List<StoredAlert> alerts) {
    Set<String> out = new HashSet<>();
    for (StoredAlert a : alerts) out.add(a.logId() + "#" + a.logIndex() + "#" + a.identity());
    return out;
  }

  static List<StoredAlert> results(AlertStore s, String name) {
    List<StoredAlert> all = new ArrayList<>();
    String cursor = null;
    do {
      Page<StoredAlert> p = s.replayResults(name, cursor, 7);
      all.addAll(p.items());
      cursor = p.nextCursor();
    } while (cursor != null);
    return all;
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void replaysEveryStoredEventIntoTheStoreAsReplayMatchesNeverLiveAlerts(StoreBackend db) {
    List<Built> events = events();
    try (AlertStore s = filled(db, tmp, events)) {
      ReplayService.Prepared p = ReplayService.prepare(s, "all-history", WATCHLIST, null, null, null, "store",
          Instant.now());
      Replayer.Outcome o = replay(s, p, ReplayOutput.store(s, "all-history"), 7);

      Set<String> want = expected(events, e -> true);
      assertThat(want).hasSizeGreaterThan(40); // the fixture is what we think it is
      assertThat(o.state()).isEqualTo(ReplayRun.State.DONE);
      assertThat(o.scanned()).isEqualTo(300);
      assertThat(o.matches()).isEqualTo(want.size());
      List<StoredAlert> got = results(s, "all-history");
      assertThat(found(got)).isEqualTo(want);
      assertThat(got).hasSize(want.size()).allSatisfy(a -> {
        assertThat(a.type()).isEqualTo(ReplayAlerts.REPLAY_MATCH);
        assertThat(a.evidence().get("notVerified")).contains("certificate chain");
        assertThat(a.evidence().get("replay")).isEqualTo("all-history");
        assertThat(a.certificate().get("chain")).startsWith("not re-verified");
      });
      ReplayRun run = s.replay("all-history").orElseThrow();
      assertThat(run.state()).isEqualTo(ReplayRun.State.DONE);
      assertThat(run.scanned()).isEqualTo(300);
      assertThat(run.total()).isEqualTo(300);
      assertThat(run.matches()).isEqualTo(want.size());
      assertThat(run.output()).isEqualTo("store");
      assertThat(s.alerts(AlertQuery.all()).items()).as("nothing among the live alerts").isEmpty();

      // Replayed again under another name: the same facts, the same alert ids.
      ReplayService.Prepared again = ReplayService.prepare(s, "again", WATCHLIST, null, null, null, "store",
          Instant.now());
      replay(s, again, ReplayOutput.store(s, "again"), 1000);
      assertThat(results(s, "again")).extracting(StoredAlert::alertId)
          .containsExactlyInAnyOrderElementsOf(got.stream().map(StoredAlert::alertId).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void boundsByLogIndexTimeAndLog(StoreBackend db) {
    List<Built> events = events();
    try (AlertStore s = filled(db, tmp, events)) {
      // One log, an index range: [1010, 1100).
      ReplayService.Prepared p = ReplayService.prepare(s, "by-index", WATCHLIST, "1010", "1100", REKOR, "store",
          Instant.now());
      Replayer.Outcome o = replay(s, p, ReplayOutput.store(s, "by-index"), 9);
      assertThat(o.scanned()).isEqualTo(90);
      assertThat(found(results(s, "by-index"))).isEqualTo(expected(events,
          e -> e.getLogId().equals(REKOR) && e.getLogIndex() >= 1010 && e.getLogIndex() < 1100));

      // Every log, a time range: events 200 .. 269 (both logs).
      String from = Instant.ofEpochSecond(T0 + 200 * 60L).toString();
      String to = Instant.ofEpochSecond(T0 + 270 * 60L).toString();
      p = ReplayService.prepare(s, "by-time", WATCHLIST, from, to, null, "store", Instant.now());
      o = replay(s, p, ReplayOutput.store(s, "by-time"), 9);
      assertThat(o.scanned()).isEqualTo(70);
      Set<String> byTime = expected(events, e -> e.getIntegratedTime() >= T0 + 200 * 60L
          && e.getIntegratedTime() < T0 + 270 * 60L);
      assertThat(found(results(s, "by-time"))).isEqualTo(byTime)
          .anyMatch(k -> k.startsWith(V2)).anyMatch(k -> k.startsWith(REKOR));

      // Only the other log, from a time on.
      p = ReplayService.prepare(s, "v2-only", WATCHLIST, from, null, V2, "store", Instant.now());
      o = replay(s, p, ReplayOutput.store(s, "v2-only"), 9);
      assertThat(o.scanned()).isEqualTo(60);
      assertThat(found(results(s, "v2-only"))).isEqualTo(expected(events, e -> e.getLogId().equals(V2)));

      // A range holding nothing: done at once.
      p = ReplayService.prepare(s, "empty", WATCHLIST, "5000", null, REKOR, "store", Instant.now());
      o = replay(s, p, ReplayOutput.store(s, "empty"), 9);
      assertThat(o.state()).isEqualTo(ReplayRun.State.DONE);
      assertThat(o.scanned()).isZero();
    }
  }

  /**
   * A replay reads only the columns its watchlist's rules look at: certificate identities and fingerprints never read
   * extensions, so an extension rule must make the scan read them (and match what it should).
   */
  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void readsTheColumnsEachKindOfRuleLooksAt(StoreBackend db) {
    assertThat(Replayer.columns(ReplayWatchlist.parse(WATCHLIST)))
        .isEqualTo(new dev.sigwatch.alert.store.IdentityFacts.Columns(true, false, true, false));
    String byExtension = """
        monitoredValues:
          customExtensions:
            - objectIdentifier: 1.3.6.1.4.1.57264.1.8
              extensionValues: https://gitlab.com
        """;
    assertThat(Replayer.columns(ReplayWatchlist.parse(byExtension)))
        .isEqualTo(new dev.sigwatch.alert.store.IdentityFacts.Columns(false, false, false, true));
    List<Built> events = events();
    try (AlertStore s = filled(db, tmp, events)) {
      ReplayService.Prepared p = ReplayService.prepare(s, "by-extension", byExtension, null, null, null, "store",
          Instant.now());
      assertThat(replay(s, p, ReplayOutput.store(s, "by-extension"), 11).state()).isEqualTo(ReplayRun.State.DONE);
      Set<String> want = new HashSet<>();
      for (Built b : events) {
        if (b.issuer().equals("https://gitlab.com")) {
          want.add(b.event().getLogId() + "#" + b.event().getLogIndex() + "#https://gitlab.com");
        }
      }
      assertThat(want).hasSizeGreaterThan(30);
      assertThat(found(results(s, "by-extension"))).isEqualTo(want);
    }
  }

  @Test
  void writesAJsonLinesFileAndResumesAfterAnInterruptionWithoutLosingAMatch() throws IOException {
    List<Built> events = events();
    Path file = tmp.resolve("hits.jsonl");
    try (AlertStore s = filled(StoreBackend.SQLITE, tmp, events)) {
      ReplayService.Prepared p = ReplayService.prepare(s, "to-file", WATCHLIST, null, null, null,
          "file:" + file, Instant.now());
      AtomicInteger chunks = new AtomicInteger();
      Replayer.Outcome first;
      try (ReplayOutput out = ReplayOutput.file(file)) {
        first = new Replayer(s, 20).run(p.run(), p.watchlist(), p.scan(), out, (a, b, c) -> chunks.incrementAndGet(),
            () -> chunks.get() > 5);
      }
      assertThat(first.state()).isEqualTo(ReplayRun.State.CANCELLED);
      assertThat(first.scanned()).isBetween(1L, 299L);
      ReplayRun stopped = s.replay("to-file").orElseThrow();
      assertThat(stopped.state()).isEqualTo(ReplayRun.State.CANCELLED);
      assertThat(stopped.afterId()).isPositive();
      assertThat(stopped.scanned()).isEqualTo(first.scanned());

      ReplayService.Prepared resumed = ReplayService.resume(s, "to-file");
      Replayer.Outcome rest;
      try (ReplayOutput out = ReplayOutput.file(file)) {
        rest = replay(s, resumed, out, 20);
      }
      assertThat(rest.state()).isEqualTo(ReplayRun.State.DONE);
      assertThat(rest.scanned()).as("each event counted once over both runs").isEqualTo(300);

      ObjectMapper json = new ObjectMapper();
      Set<String> got = new HashSet<>();
      Set<String> ids = new HashSet<>();
      for (String line : Files.readAllLines(file)) {
        JsonNode a = json.readTree(line);
        assertThat(a.get("type").asText()).isEqualTo(ReplayAlerts.REPLAY_MATCH);
        got.add(a.get("logId").asText() + "#" + a.get("logIndex").asLong() + "#" + a.get("identity").asText());
        ids.add(a.get("alertId").asText());
      }
      assertThat(got).isEqualTo(expected(events, e -> true));
      assertThat(ids).hasSize(got.size());
      assertThatThrownBy(() -> ReplayService.resume(s, "to-file")).hasMessageContaining("DONE");
      assertThat(s.alerts(AlertQuery.all()).items()).isEmpty();
    }
  }

  @Test
  void refusesABadWatchlistBoundOrNameSayingWhat() {
    try (AlertStore s = filled(StoreBackend.SQLITE, tmp, events().subList(0, 10))) {
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", "monitoredValues:\n  certIdentities:\n"
          + "    - certSubject: (?=lookahead)\n", null, null, null, "store", Instant.now()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("certIdentities[0].certSubject");
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", "monitoredValues: {}\n", null, null, null, "store",
          Instant.now())).hasMessageContaining("no rules");
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", "monitoredValues:\n  certIdentitys: []\n", null, null,
          null, "store", Instant.now())).hasMessageContaining("certIdentitys");
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", "- just\n- a list\n", null, null, null, "store",
          Instant.now())).hasMessageContaining("not a YAML mapping");
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", WATCHLIST, "yesterday", null, null, "store",
          Instant.now())).hasMessageContaining("from must be a log index");
      assertThatThrownBy(() -> ReplayService.prepare(s, "x", WATCHLIST, "20", "10", REKOR, "store",
          Instant.now())).hasMessageContaining("before");
      assertThatThrownBy(() -> ReplayService.prepare(s, "bad name", WATCHLIST, null, null, null, "store",
          Instant.now())).hasMessageContaining("replay name must match");
      ReplayService.prepare(s, "taken", WATCHLIST, null, null, null, "store", Instant.now());
      assertThatThrownBy(() -> ReplayService.prepare(s, "taken", WATCHLIST, null, null, null, "store",
          Instant.now())).hasMessageContaining("exists");
      assertThat(s.replays()).extracting(ReplayRun::name).containsExactly("taken");
    }
  }
}
