package dev.sigwatch.match.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The join's deadline index is derived state (a local store without a changelog): after a restart on a fresh
 * machine, where only the changelogged seen and pending stores come back, the index is rebuilt from them and a
 * pending side is still decided. Runs {@link JoinProcessor} on a {@link MockProcessorContext}, where the stores
 * outlive the processor as a restored changelog would; the identity events come from the real parse step.
 */
class JoinRestartTest extends TopologyHarness {
  KeyValueStore<String, String> seen;
  KeyValueStore<String, IdentityEvent> pending;
  KeyValueStore<String, String> progress;
  MockProcessorContext<String, Alert> context;
  WatchlistState rules = new WatchlistState();
  ChainCheck chains = new ChainCheck(List.of(SimEntries.trusted(FULCIO)));

  @BeforeEach
  void stores() {
    var serde = topics.identities().valueSerde();
    seen = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(JoinProcessor.SEEN_STORE), Serdes.String(),
        Serdes.String()).withLoggingDisabled().build();
    pending = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(JoinProcessor.PENDING_STORE), Serdes.String(),
        serde).withLoggingDisabled().build();
    progress = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(JoinProcessor.PROGRESS_STORE),
        Serdes.String(), Serdes.String()).withLoggingDisabled().build();
  }

  /** A started join on the kept stores and a new, empty deadline index (the machine's local state is gone). */
  JoinProcessor startJoin() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(T0.toEpochMilli());
    KeyValueStore<String, String> deadlines = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(JoinProcessor.DEADLINE_STORE), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    for (var s : List.of(seen, pending, progress, deadlines)) {
      if (!s.isOpen()) s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
    }
    JoinProcessor join = new JoinProcessor(GRACE, rules, chains, new LogEvidence());
    join.init(context);
    return join;
  }

  /** What the parse step makes of a Rekor use of {@code cert}. */
  IdentityEvent rekorUse(dev.sigwatch.simulator.ca.IssuedCert cert) {
    pipeRekor(cert, T0);
    return identityEvents().get(0);
  }

  static IdentityEvent position(IdentitySource side, String logId, long size, Instant observedAt) {
    IdentityEvent e = new IdentityEvent();
    e.setSource(side);
    e.setLogId(logId);
    e.setLogIndex(size);
    e.setEntryKind(LogPositions.KIND);
    e.setEntryVersion("1");
    e.setSans(new ArrayList<>());
    e.setExtensions(Map.of());
    e.setSubjects(new ArrayList<>());
    e.setKeyFingerprints(new ArrayList<>());
    e.setChainDer(new ArrayList<>());
    e.setObservedAtMillis(observedAt.toEpochMilli());
    return e;
  }

  List<String> forwardedTypes() {
    return context.forwarded().stream().map(f -> f.record().value().getType()).toList();
  }

  @Test
  void aPendingRekorSideIsDecidedAfterARestartThatLostTheDeadlineIndex() {
    IdentityEvent use = rekorUse(SimEntries.issue(FULCIO, BOB, T0));
    assertThat(use.getExtensions()).as("the parse step's event carries the Fulcio extensions").isNotEmpty();
    Instant past = T0.plus(Duration.ofDays(1));
    JoinProcessor before = startJoin();
    before.process(new Record<>(use.getTbsHash(), use, T0.toEpochMilli()));
    before.process(new Record<>("p", position(IdentitySource.REKOR, SimEntries.REKOR, 1, past), 0L));
    before.process(new Record<>("p", position(IdentitySource.CT, SimEntries.CT, 0, T0), 0L)); // CT not past yet
    assertThat(context.forwarded()).isEmpty();
    IdentityEvent kept = pending.get("R" + use.getTbsHash());
    assertThat(kept.getExtensions()).as("the pending side is stored slim").isEmpty();
    assertThat(kept.getCertificateDer()).isEqualTo(use.getCertificateDer());

    JoinProcessor after = startJoin();
    after.process(new Record<>("p", position(IdentitySource.CT, SimEntries.CT, 0, past), 0L));
    assertThat(forwardedTypes()).containsExactly(Alerts.UNLOGGED_CERTIFICATE);
    Alert a = context.forwarded().get(0).record().value();
    assertThat(a.getIdentity()).isEqualTo("bob@example.com");
    assertThat(a.getCertificate()).containsEntry("chain", "fulcio https://fulcio.sim")
        .containsEntry("sans", "bob@example.com");
    assertThat(pending.get("R" + use.getTbsHash())).isNull();
  }

  @Test
  void aSeenMarkIsDroppedOnceBothSidesAreProvenPastItAfterARestart() {
    IdentityEvent use = rekorUse(SimEntries.issue(FULCIO, BOB, T0));
    JoinProcessor before = startJoin();
    before.process(new Record<>(use.getTbsHash(), use, T0.toEpochMilli()));
    assertThat(Seen.decode(seen.get(use.getTbsHash())).marks()).isEqualTo("R");

    Instant past = T0.plus(Duration.ofDays(1));
    JoinProcessor after = startJoin();
    after.process(new Record<>("p", position(IdentitySource.REKOR, SimEntries.REKOR, 1, past), 0L));
    after.process(new Record<>("p", position(IdentitySource.CT, SimEntries.CT, 0, past), 0L));
    assertThat(seen.get(use.getTbsHash())).isNull();
  }

  @Test
  void aSeenMarkStoredBeforeItsDeadlinesWereIsReadAndItsPendingSideDecided() {
    IdentityEvent use = rekorUse(SimEntries.issue(FULCIO, BOB, T0));
    startJoin();
    // The layout before 2026-12-05: marks only, the deadlines in a changelogged store this version does not restore.
    seen.put(use.getTbsHash(), "R");
    pending.put("R" + use.getTbsHash(), use);
    Instant past = T0.plus(Duration.ofDays(1));
    JoinProcessor after = startJoin();
    after.process(new Record<>("p", position(IdentitySource.REKOR, SimEntries.REKOR, 1, past), 0L));
    after.process(new Record<>("p", position(IdentitySource.CT, SimEntries.CT, 0, past), 0L));
    assertThat(forwardedTypes()).containsExactly(Alerts.UNLOGGED_CERTIFICATE);
  }
}
