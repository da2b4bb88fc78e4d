package dev.sigwatch.deploy.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustChange;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.crypto.SimKey;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the monitor trusted survives restarts ({@link LiveTrust#remember}): a trust change made while it was stopped is
 * raised at the next start, once (with the id a live refresh gives the same change), and a stand-in state (the
 * bundled root) is never compared with nor stored.
 */
class TrustMemoryTest {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final SimKey REKOR = SimKey.generate(SimKey.Alg.ECDSA_P256);
  static final SimCa CA1 = new SimCa(START);
  static final SimCa CA2 = new SimCa(START);

  @TempDir
  Path dir;

  final List<Alert> sent = new ArrayList<>();
  final AtomicReference<TrustState> served = new AtomicReference<>();

  static TrustState state(SimCa... cas) throws Exception {
    TrustedRootWriter w = new TrustedRootWriter();
    w.tlog("https://rekor.example", REKOR.spki(), "PKIX_ECDSA_P256_SHA_256", REKOR.logId(), START);
    for (SimCa ca : cas) w.ca(ca == CA1 ? "https://fulcio1.example" : "https://fulcio2.example", ca.chain(), START);
    return TrustState.parse(Map.of(TrustDiff.TRUSTED_ROOT, new String(w.toJson(), StandardCharsets.UTF_8)));
  }

  /** A monitor starting now with {@code initial} in use, remembering in {@code dir}. */
  LiveTrust start(TrustState initial, boolean fallback) {
    LiveTrust t = new LiveTrust("test-repo", served::get, initial, Duration.ofHours(1), Duration.ofHours(6),
        Clock.systemUTC(), sent::add);
    t.remember(TrustMemory.in(dir), fallback);
    return t;
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(a -> a.getType() + " " + a.getEvidence().get("item") + " " + a.getEvidence().get("change"))
        .toList();
  }

  @Test
  void aChangeWhileStoppedIsRaisedAtTheNextStartOnceWithTheIdOfTheLiveAlert() throws Exception {
    TrustState before = state(CA1);
    TrustState after = state(CA1, CA2);
    start(before, false);
    assertThat(sent).as("a first start has nothing to compare with").isEmpty();
    assertThat(Files.exists(TrustMemory.in(dir).file())).isTrue();

    // Stopped; the repository publishes a second CA; started again.
    start(after, false);
    assertThat(types(sent)).containsExactly("TRUST_CHANGED certificateAuthority ADDED");
    Alert atStart = sent.get(0);

    // Started once more, nothing changed: nothing raised again.
    start(after, false);
    assertThat(sent).hasSize(1);

    // The same change seen live by a monitor that never stopped is the same alert (same id).
    List<Alert> live = new ArrayList<>();
    served.set(after);
    new LiveTrust("test-repo", served::get, before, Duration.ofHours(1), Duration.ofHours(6), Clock.systemUTC(),
        live::add).refresh();
    assertThat(live).extracting(Alert::getAlertId).containsExactly(atStart.getAlertId());
  }

  @Test
  void aFallbackStartComparesTheFirstRealStateWithTheRememberedOne() throws Exception {
    TrustState remembered = state(CA1, CA2);
    start(remembered, false);
    // TUF unreachable at the next start: the bundled stand-in (here: one CA fewer) is neither compared nor stored.
    LiveTrust t = start(state(CA1), true);
    assertThat(sent).isEmpty();
    // TUF answers again with what was trusted before: no change, although the stand-in differed.
    served.set(state(CA1, CA2));
    assertThat(t.refresh()).isEmpty();
    assertThat(t.root().certificateAuthorities()).hasSize(2);
    // Then a real change: raised against the remembered state, and remembered.
    served.set(state(CA2));
    assertThat(t.refresh()).extracting(TrustChange::kind).containsExactly(TrustChange.Kind.REMOVED);
    start(state(CA2), false);
    assertThat(types(sent)).containsExactly("TRUST_CHANGED certificateAuthority REMOVED");
  }

  @Test
  void anAlertThatCannotBeSentIsRaisedAgainAndTheChangeIsNotRememberedUntilThen() throws Exception {
    AtomicBoolean broker = new AtomicBoolean(false);
    LiveTrust t = new LiveTrust("test-repo", served::get, state(CA1), Duration.ofHours(1), Duration.ofHours(6),
        Clock.systemUTC(), a -> {
          if (!broker.get()) throw new IllegalStateException("broker down");
          sent.add(a);
        });
    t.remember(TrustMemory.in(dir), false);
    served.set(state(CA1, CA2));
    t.refresh();
    assertThat(sent).isEmpty();
    assertThat(t.root().certificateAuthorities()).as("the new state is in use anyway").hasSize(2);
    assertThat(TrustMemory.in(dir).load().orElseThrow().trustedRoot().certificateAuthorities()).hasSize(1);
    broker.set(true);
    t.refresh();
    assertThat(types(sent)).containsExactly("TRUST_CHANGED certificateAuthority ADDED");
    assertThat(TrustMemory.in(dir).load().orElseThrow().trustedRoot().certificateAuthorities()).hasSize(2);
  }

  @Test
  void aDamagedMemoryIsReportedAndReplaced() throws Exception {
    Files.createDirectories(TrustMemory.in(dir).file().getParent());
    Files.writeString(TrustMemory.in(dir).file(), "{\"documents\": {\"trusted_root.json\": \"not json\"}}");
    assertThat(TrustMemory.in(dir).load()).isEmpty();
    start(state(CA1), false);
    assertThat(sent).isEmpty();
    assertThat(TrustMemory.in(dir).load()).isPresent();
  }
}
