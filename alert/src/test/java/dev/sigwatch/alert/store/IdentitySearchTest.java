package dev.sigwatch.alert.store;

import static dev.sigwatch.alert.store.Events.GITHUB;
import static dev.sigwatch.alert.store.Events.REKOR;
import static dev.sigwatch.alert.store.Events.sha256;
import static dev.sigwatch.alert.store.Events.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.alert.store.IdentityQuery.Match;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.SubjectAltName;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Forensic search and replay scans over stored identity events, on each database. */
class IdentitySearchTest {
  static final String CT = "ctfe.sigstore.dev/2022";
  static final String GOOGLE = "https://accounts.google.com";
  static final long T0 = 1_760_000_000L; // seconds

  @TempDir Path tmp;

  /** 30 Rekor entries (workflows of two repos, e-mails) and 5 CT certificates, stored in batches of 7. */
  static AlertStore filled(StoreBackend db, Path tmp) {
    AlertStore s = db.open(tmp, AlertStoreTest.CLOCK);
    List<IdentityEvent> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String san = switch (i % 3) {
        case 0 -> "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v" + i;
        case 1 -> "https://github.com/other/tool/.github/workflows/ci.yml@refs/heads/main";
        default -> "dev" + i + "@acme.com";
      };
      all.add(signed(REKOR, 1000 + i, san, i % 3 == 2 ? GOOGLE : GITHUB, T0 + i * 60L));
    }
    for (int i = 0; i < 5; i++) {
      all.add(IdentityEvent.newBuilder(signed(CT, 50 + i, "ops@acme.com", GOOGLE, T0 + i))
          .setSource(IdentitySource.CT).setEntryKind("precert_entry").setUuid(null).setArtifactDigest(null)
          .setKeyFingerprints(List.of()).setSubjects(List.of("CN=ops")).build());
    }
    for (int i = 0; i < all.size(); i += 7) {
      s.write(new StoreBatch(List.of(), List.of(), all.subList(i, Math.min(all.size(), i + 7)), "g", Map.of()));
    }
    // A redelivered batch (offsets reset): stored once.
    s.write(new StoreBatch(List.of(), List.of(), all.subList(0, 7), "g", Map.of()));
    return s;
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void searchesByEveryKindOfIdentityFact(StoreBackend db) {
    try (AlertStore s = filled(db, tmp)) {
      assertThat(indexes(s, IdentityQuery.builder().identity("dev2@acme.com", Match.EXACT).build()))
          .containsExactly(1002L);
      assertThat(indexes(s, IdentityQuery.builder().identity("https://github.com/acme/", Match.PREFIX).limit(100)
          .build())).hasSize(10).allMatch(i -> (i - 1000) % 3 == 0);
      assertThat(indexes(s, IdentityQuery.builder().identity("^dev(5|8)@", Match.REGEX).build()))
          .containsExactly(1008L, 1005L);
      // An anchored literal start bounds the regex to that prefix's terms: the same answer as the prefix search.
      assertThat(indexes(s, IdentityQuery.builder().identity("^https://github\\.com/acme/app/.*@refs/tags/v", Match.REGEX)
          .limit(100).build())).hasSize(10).allMatch(i -> (i - 1000) % 3 == 0);
      assertThat(indexes(s, IdentityQuery.builder().identity("^dev2[0-9]@acme\\.com$", Match.REGEX).build()))
          .containsExactly(1029L, 1026L, 1023L, 1020L);
      assertThat(indexes(s, IdentityQuery.builder().identity("CN=ops", Match.EXACT).build()))
          .containsExactly(54L, 53L, 52L, 51L, 50L);
      assertThat(indexes(s, IdentityQuery.builder().oidcIssuer(GOOGLE).logId(REKOR).limit(100).build())).hasSize(10);
      assertThat(indexes(s, IdentityQuery.builder().certSha256(sha256("cert" + REKOR + 1007)).build()))
          .containsExactly(1007L);
      assertThat(indexes(s, IdentityQuery.builder().keySha256(sha256("key" + REKOR + 1011)).build()))
          .containsExactly(1011L);
      assertThat(indexes(s, IdentityQuery.builder().artifactDigest("sha256:" + sha256("artifact" + 1020)).build()))
          .containsExactly(1020L);
      assertThat(indexes(s, IdentityQuery.builder().uuid(sha256("uuid" + REKOR + 1029)).build()))
          .containsExactly(1029L);
      assertThat(indexes(s, IdentityQuery.builder().logId(CT).logIndex(52L).build())).containsExactly(52L);
      assertThat(indexes(s, IdentityQuery.builder().logId(REKOR).from(Instant.ofEpochSecond(T0 + 60 * 10))
          .to(Instant.ofEpochSecond(T0 + 60 * 13)).build())).containsExactly(1012L, 1011L, 1010L);
      // Hostile input is a value: no match, no error.
      assertThat(indexes(s, IdentityQuery.builder().identity("x' OR '1'='1", Match.EXACT).build())).isEmpty();
      assertThat(indexes(s, IdentityQuery.builder().identity("%", Match.PREFIX).build())).isEmpty();

      StoredIdentity one = s.identities(IdentityQuery.builder().logId(REKOR).logIndex(1002L).build()).items().get(0);
      assertThat(one.sans()).containsExactly(new SubjectAltName("email", "dev2@acme.com"));
      assertThat(one.oidcIssuer()).isEqualTo(GOOGLE);
      assertThat(one.entryTime()).isEqualTo(Instant.ofEpochSecond(T0 + 120));
      assertThat(one.extensions()).containsEntry("1.3.6.1.4.1.57264.1.8", GOOGLE);
      assertThat(one.toEvent().getIntegratedTime()).isEqualTo(T0 + 120);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void pagesWalkEveryMatchOnceNewestFirst(StoreBackend db) {
    try (AlertStore s = filled(db, tmp)) {
      assertThat(allPages(s, IdentityQuery.builder().logId(REKOR).limit(4).build())).hasSize(30).doesNotHaveDuplicates()
          .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }
  }

  /**
   * A time-bounded search is newest first by entry time, not by arrival: the CT certificates (entry times T0..T0+4)
   * were stored after the Rekor entries of T0..T0+240, and sort between them; ties by id, newest stored first.
   */
  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void timeRangesPageNewestFirstByEntryTimeWhateverOrderEventsArrivedIn(StoreBackend db) {
    try (AlertStore s = filled(db, tmp)) {
      Instant from = Instant.ofEpochSecond(T0);
      Instant to = Instant.ofEpochSecond(T0 + 60 * 5);
      assertThat(allPages(s, IdentityQuery.builder().from(from).to(to).limit(3).build()))
          .containsExactly(1004L, 1003L, 1002L, 1001L, 54L, 53L, 52L, 51L, 50L, 1000L);
      assertThat(allPages(s, IdentityQuery.builder().oidcIssuer(GOOGLE).from(from).to(to).limit(4).build()))
          .containsExactly(1002L, 54L, 53L, 52L, 51L, 50L);
      assertThat(allPages(s, IdentityQuery.builder().identity("ops@acme.com", Match.EXACT)
          .from(Instant.ofEpochSecond(T0 + 2)).limit(2).build())).containsExactly(54L, 53L, 52L);
      assertThat(allPages(s, IdentityQuery.builder().to(Instant.ofEpochSecond(T0 + 1)).limit(1).build()))
          .containsExactly(50L, 1000L);
      // Each order has its own cursor: one from the other is refused, not misread.
      String byTime = s.identities(IdentityQuery.builder().from(from).limit(1).build()).nextCursor();
      String byId = s.identities(IdentityQuery.builder().logId(REKOR).limit(1).build()).nextCursor();
      assertThatThrownBy(() -> s.identities(IdentityQuery.builder().logId(REKOR).cursor(byTime).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
      assertThatThrownBy(() -> s.identities(IdentityQuery.builder().from(from).cursor(byId).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }
  }

  static List<Long> allPages(AlertStore s, IdentityQuery first) {
    List<Long> seen = new ArrayList<>();
    IdentityQuery q = first;
    Page<StoredIdentity> p;
    do {
      p = s.identities(q);
      p.items().forEach(i -> seen.add(i.logIndex()));
      q = q.after(p.nextCursor());
    } while (p.nextCursor() != null);
    return seen;
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void scansSelectByLogTimeAndIndexOldestFirst(StoreBackend db) {
    try (AlertStore s = filled(db, tmp)) {
      assertThat(s.countIdentities(IdentityScan.ALL)).isEqualTo(35);
      IdentityScan rekorPart = new IdentityScan(REKOR, null, null, 1005L, 1010L);
      assertThat(s.countIdentities(rekorPart)).isEqualTo(5);
      List<Long> seen = new ArrayList<>();
      s.scanIdentities(rekorPart, i -> seen.add(i.logIndex()));
      assertThat(seen).containsExactly(1005L, 1006L, 1007L, 1008L, 1009L);
      AtomicLong n = new AtomicLong();
      s.scanIdentities(new IdentityScan(null, Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 3), null, null),
          i -> n.incrementAndGet());
      assertThat(n).hasValue(4); // CT 50, 51, 52 and Rekor 1000
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void badQueriesNameTheParameter(StoreBackend db) {
    assertThatThrownBy(() -> IdentityQuery.builder().build()).hasMessageContaining("at least one filter");
    assertThatThrownBy(() -> IdentityQuery.builder().identity("(unclosed", Match.REGEX).build())
        .hasMessageContaining("identity is not a valid regular expression");
    assertThatThrownBy(() -> IdentityQuery.builder().identity("x".repeat(5000), Match.EXACT).build())
        .hasMessageContaining("identity must be");
    assertThatThrownBy(() -> IdentityQuery.builder().logIndex(5L).build()).hasMessageContaining("logIndex needs logId");
    try (AlertStore s = filled(db, tmp)) {
      assertThatThrownBy(() -> s.identities(IdentityQuery.builder().logId(REKOR).cursor("AAAA").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }
  }

  static List<Long> indexes(AlertStore s, IdentityQuery q) {
    return s.identities(q).items().stream().map(StoredIdentity::logIndex).toList();
  }
}
