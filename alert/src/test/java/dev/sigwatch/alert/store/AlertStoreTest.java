package dev.sigwatch.alert.store;

import static dev.sigwatch.alert.store.Events.GITHUB;
import static dev.sigwatch.alert.store.Events.REKOR;
import static dev.sigwatch.alert.store.Events.alert;
import static dev.sigwatch.alert.store.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store's contract for alerts, their history and log status, on each database ({@link StoreBackend}). */
class AlertStoreTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String GROUP = "sigwatch-alert-store";
  static final TopicPartition ALERTS0 = new TopicPartition("sigwatch.alerts", 0);

  @TempDir Path tmp;

  static StoreBatch alerts(List<Alert> alerts, long nextOffset) {
    return new StoreBatch(alerts, List.of(), List.of(), GROUP, Map.of(ALERTS0, nextOffset));
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void alertsAreKeptOncePerIdWithOffsetsAndPagedNewestFirst(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      List<Alert> batch = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        batch.add(alert("id-" + i, "IDENTITY_MATCH", Severity.HIGH, REKOR, (long) i, "ops" + i + "@acme.com",
            1_000_000L + i * 1000L));
      }
      s.write(alerts(batch, 25));
      s.write(alerts(batch.subList(0, 5), 30)); // a repeat after a reset: same ids, nothing new
      assertThat(s.offsets(GROUP)).containsExactly(Map.entry(ALERTS0, 30L));
      assertThat(s.offsets("another-group")).isEmpty();

      List<String> seen = new ArrayList<>();
      AlertQuery q = AlertQuery.builder().limit(10).build();
      Page<StoredAlert> p;
      do {
        p = s.alerts(q);
        p.items().forEach(a -> seen.add(a.alertId()));
        q = q.after(p.nextCursor());
      } while (p.nextCursor() != null);
      List<String> expected = new ArrayList<>();
      for (int i = 24; i >= 0; i--) expected.add("id-" + i);
      assertThat(seen).containsExactlyElementsOf(expected);

      StoredAlert a = s.alert("id-3").orElseThrow().alert();
      assertThat(a.state()).isEqualTo(AlertState.OPEN);
      assertThat(a.identity()).isEqualTo("ops3@acme.com");
      assertThat(a.evidence()).containsKey("checkpoint");
      assertThat(a.createdAt()).isEqualTo(Instant.ofEpochMilli(1_003_000L));
      assertThat(a.storedAt()).isEqualTo(NOW);
      assertThat(s.alert("no-such-id")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void filtersCombineAndHostileValuesAreJustValues(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      s.write(alerts(List.of(
          alert("a1", "IDENTITY_MATCH", Severity.HIGH, REKOR, 1L, "ops@acme.com", 1000),
          alert("a2", "FORK", Severity.CRITICAL, REKOR, null, null, 2000),
          alert("a3", "STALE_LOG", Severity.MEDIUM, "ct.example - log", null, null, 3000),
          alert("a4", "IDENTITY_MATCH", Severity.HIGH, REKOR, 4L, "100%_sure'; DROP TABLE alert; --", 4000)), 4));
      assertThat(ids(s, AlertQuery.builder().types(Set.of("IDENTITY_MATCH")).build())).containsExactly("a4", "a1");
      assertThat(ids(s, AlertQuery.builder().minSeverity(Severity.HIGH).logId(REKOR).build()))
          .containsExactly("a4", "a2", "a1");
      assertThat(ids(s, AlertQuery.builder().severities(Set.of(Severity.MEDIUM)).build())).containsExactly("a3");
      assertThat(ids(s, AlertQuery.builder().identity("ACME").build())).containsExactly("a1");
      assertThat(ids(s, AlertQuery.builder().identity("100%_sure'; DROP").build())).containsExactly("a4");
      assertThat(ids(s, AlertQuery.builder().identity("%").build())).containsExactly("a4");
      assertThat(ids(s, AlertQuery.builder().logId("' OR '1'='1").build())).isEmpty();
      assertThat(ids(s, AlertQuery.builder().from(Instant.ofEpochMilli(2000)).to(Instant.ofEpochMilli(4000)).build()))
          .containsExactly("a3", "a2");
      assertThat(ids(s, AlertQuery.builder().ruleId("rule-none").build())).isEmpty();
      assertThatThrownBy(() -> s.alerts(AlertQuery.builder().cursor("not a cursor").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
      assertThatThrownBy(() -> AlertQuery.builder().limit(5000).build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
      assertThat(s.alerts(AlertQuery.all()).items()).hasSize(4); // the table survived
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void incidentEventsUpdateTheAlertTheyNameEvenWhenTheyArriveFirst(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      Alert fork = alert("fork-1", "FORK", Severity.CRITICAL, REKOR, null, null, 10_000);
      s.write(alerts(List.of(fork), 1));
      s.write(new StoreBatch(List.of(), List.of(
          event("INCIDENT_CONTINUES", REKOR, 42L, new byte[32], 11_000,
              Map.of("alertId", "fork-1", "observations", "2", "incidentType", "FORK")),
          event("INCIDENT_CONTINUES", REKOR, 42L, new byte[32], 12_000,
              Map.of("alertId", "fork-1", "observations", "3", "incidentType", "FORK"))), List.of(), GROUP, Map.of()));
      StoredAlert a = s.alert("fork-1").orElseThrow().alert();
      assertThat(a.observations()).isEqualTo(3);
      assertThat(a.state()).isEqualTo(AlertState.OPEN);
      assertThat(s.log(REKOR).orElseThrow().openIncidents()).isEqualTo(1);

      s.write(new StoreBatch(List.of(), List.of(event("INCIDENT_RESOLVED", REKOR, 42L, null, 20_000,
          Map.of("alertId", "fork-1", "observations", "3", "reason", "quiet for PT1H"))), List.of(), GROUP, Map.of()));
      AlertDetail d = s.alert("fork-1").orElseThrow();
      assertThat(d.alert().state()).isEqualTo(AlertState.RESOLVED);
      assertThat(d.history()).extracting(AlertHistory::kind)
          .containsExactly("INCIDENT_CONTINUES", "INCIDENT_CONTINUES", "INCIDENT_RESOLVED");
      assertThat(d.history().get(2).reason()).isEqualTo("quiet for PT1H");
      assertThat(s.log(REKOR).orElseThrow().openIncidents()).isZero();

      // The resolution of a stale log arrives before its alert (log events and alerts are separate topics).
      s.write(new StoreBatch(List.of(), List.of(event("RECOVERED", REKOR, 50L, new byte[32], 30_000,
          Map.of("alertId", "stale-1", "incidentType", "STALE_LOG"))), List.of(), GROUP, Map.of()));
      s.write(alerts(List.of(alert("stale-1", "STALE_LOG", Severity.MEDIUM, REKOR, null, null, 25_000)), 2));
      StoredAlert stale = s.alert("stale-1").orElseThrow().alert();
      assertThat(stale.state()).isEqualTo(AlertState.RESOLVED);
      assertThat(stale.updatedAt()).isEqualTo(NOW);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void aPersonAcknowledgesAndResolvesWithWhoAndWhy(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      s.write(alerts(List.of(alert("m1", "IDENTITY_MATCH", Severity.HIGH, REKOR, 7L, "ops@acme.com", 1000)), 1));
      assertThat(s.acknowledge("m1", "alice", "looking").orElseThrow().state()).isEqualTo(AlertState.ACKNOWLEDGED);
      assertThat(s.resolve("m1", "bob", "our release").orElseThrow().state()).isEqualTo(AlertState.RESOLVED);
      assertThat(s.acknowledge("m1", "carol", "").orElseThrow().state()).isEqualTo(AlertState.RESOLVED);
      assertThat(s.alert("m1").orElseThrow().history())
          .extracting(AlertHistory::kind, AlertHistory::actor, AlertHistory::reason)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("ACKNOWLEDGED", "alice", "looking"),
              org.assertj.core.groups.Tuple.tuple("RESOLVED", "bob", "our release"),
              org.assertj.core.groups.Tuple.tuple("ACKNOWLEDGED", "carol", ""));
      assertThat(s.acknowledge("missing", "alice", "x")).isEmpty();
      assertThatThrownBy(() -> s.resolve("m1", " ", "x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("who");
      assertThat(ids(s, AlertQuery.builder().states(Set.of(AlertState.RESOLVED)).build())).containsExactly("m1");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void logStatusFollowsVerifiedAuditedAndIncidents(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      byte[] root = new byte[32];
      root[0] = (byte) 0xab;
      s.write(new StoreBatch(List.of(alert("t1", "TAMPERED_ENTRIES", Severity.CRITICAL, REKOR, 90L, null, 5_000)),
          List.of(
              event("CHECKPOINT_VERIFIED", REKOR, 100L, root, 1_000, Map.of()),
              event("AUDITED", REKOR, 80L, root, 2_000, Map.of()),
              event("CHECKPOINT_VERIFIED", REKOR, 90L, new byte[32], 500, Map.of()), // older, smaller: no effect
              event("CONSISTENCY_UNPROVEN", REKOR, 120L, new byte[32], 3_000, Map.of("reason", "proof fetch failed"))),
          List.of(), GROUP, Map.of()));
      LogStatus st = s.log(REKOR).orElseThrow();
      assertThat(st.size()).isEqualTo(120);
      assertThat(st.verifiedSize()).isEqualTo(100);
      assertThat(st.verifiedRootHex()).startsWith("ab00");
      assertThat(st.auditedTo()).isEqualTo(80);
      assertThat(st.lag()).isEqualTo(40);
      assertThat(st.openIncidents()).isEqualTo(1);
      assertThat(st.lastError()).startsWith("TAMPERED_ENTRIES");
      assertThat(st.lastErrorAt()).isEqualTo(Instant.ofEpochMilli(5_000));
      assertThat(st.updatedAt()).isEqualTo(Instant.ofEpochMilli(5_000));
      assertThat(s.logs()).extracting(LogStatus::logId).containsExactly(REKOR);
      assertThat(s.log("unknown")).isEmpty();
      assertThat(s.logEvents(REKOR, null, 10)).extracting(LogEventRow::type)
          .containsExactly("CONSISTENCY_UNPROVEN", "AUDITED", "CHECKPOINT_VERIFIED", "CHECKPOINT_VERIFIED");
      assertThat(s.logEvents(REKOR, Instant.ofEpochMilli(2_000), 10)).hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void retentionDeletesOldRowsButNeverOpenAlerts(StoreBackend db) {
    try (AlertStore s = db.open(tmp, CLOCK)) {
      long old = NOW.minusSeconds(400L * 86400).toEpochMilli();
      s.write(new StoreBatch(List.of(
          alert("old-open", "FORK", Severity.CRITICAL, REKOR, null, null, old),
          alert("old-resolved", "FORK", Severity.CRITICAL, REKOR, null, null, old)),
          List.of(event("AUDITED", REKOR, 1L, null, old, Map.of())),
          List.of(Events.signed(REKOR, 1, "old@acme.com", GITHUB, old / 1000),
              Events.signed(REKOR, 2, "new@acme.com", GITHUB, NOW.getEpochSecond())), GROUP, Map.of()));
      s.resolve("old-resolved", "alice", "done");
      // Resolved "now": kept by a year's retention, gone with a shorter one.
      // The old identity event, its two terms (SAN, key fingerprint), the old log event.
      assertThat(s.purge(Retention.DEFAULT, NOW)).isEqualTo(4);
      assertThat(s.alert("old-resolved")).isPresent();
      s.purge(new Retention(java.time.Duration.ofMinutes(1), null, null, null), NOW.plusSeconds(3600));
      assertThat(s.alert("old-resolved")).isEmpty();
      assertThat(s.alert("old-open")).isPresent();
      assertThat(s.identities(IdentityQuery.builder().logId(REKOR).build()).items())
          .extracting(StoredIdentity::logIndex).containsExactly(2L);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreBackend.class)
  void reopeningKeepsEverything(StoreBackend db) {
    String url = db.freshUrl(tmp);
    try (AlertStore s = dev.sigwatch.alert.store.jdbc.JdbcAlertStore.open(url, null, null, 2, CLOCK)) {
      s.write(alerts(List.of(alert("k1", "FORK", Severity.CRITICAL, REKOR, null, null, 1)), 1));
    }
    try (AlertStore s = dev.sigwatch.alert.store.jdbc.JdbcAlertStore.open(url, null, null, 2, CLOCK)) {
      assertThat(s.alert("k1")).isPresent();
      assertThat(s.offsets(GROUP)).containsEntry(ALERTS0, 1L);
    }
  }

  static List<String> ids(AlertStore s, AlertQuery q) {
    return s.alerts(q).items().stream().map(StoredAlert::alertId).toList();
  }
}
