package dev.sigwatch.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.TrustConfigSection;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.SimCa;
import dev.sigwatch.simulator.trust.TrustedRootWriter;
import dev.sigwatch.testkit.tuf.LocalTufRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Match follows the Fulcio CAs TUF publishes, and what sigwatch trusted survives a restart, on the real broker with the
 * simulator and a real TUF repository on loopback. {@code sigwatch run} reads Rekor v1 with alice, bob, carol and dave
 * watched; the trusted root comes from TUF only. A certificate of a CA the root does not list is a LOOKALIKE; once TUF
 * publishes that CA, a certificate it issues is a Fulcio-chained IDENTITY_MATCH naming it, with no restart; once TUF
 * removes the first CA, a certificate it issues is a LOOKALIKE. Then sigwatch stops, the first CA is published again
 * while it is stopped, and the next start raises that change as TRUST_CHANGED and matches the CA's certificates as
 * Fulcio-issued.
 */
class LiveFulcioCaIT {
  static final Identity ALICE = Identity.email("alice@acme.example", "https://accounts.google.com");
  static final Identity BOB = Identity.email("bob@acme.example", "https://accounts.google.com");
  static final Identity CAROL = Identity.email("carol@acme.example", "https://accounts.google.com");
  static final Identity DAVE = Identity.email("dave@acme.example", "https://accounts.google.com");

  @TempDir
  Path dir;

  @Test
  void newCasCountAsFulcioRemovedOnesAsLookalikesWithoutRestartAndAChangeWhileStoppedAlertsAtTheNextStart()
      throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      String first = sim.baseUrl() + "/fulcio";
      String second = sim.baseUrl() + "/fulcio-2026";
      // The simulator's "lookalike" CA plays the CA Sigstore introduces: unknown to the root until TUF publishes it.
      SimCa next = sim.lookalikeCa();
      try (LocalTufRepository tuf = LocalTufRepository.start(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, first, null, null)))) {
        Path out = dir.resolve("alerts.jsonl");
        MonitoredValues watch = new MonitoredValues(List.of(new MonitoredValues.CertIdentity(
            "^(alice|bob|carol|dave)@acme\\.example$", List.of())), null, null, null, null, null);
        SigwatchConfig cfg = new SigwatchConfig(dir.resolve("data"), new KafkaSettings(null, null, null, null, null),
            null, null, List.of(new LogSettings("rekor-v1", sim.rekorV1Url(), null, null)), new AlertSettings(out),
            new MetricsSettings(0, null), null, new IngestConfigSection(300L, 2, 1000.0, "0"), watch,
            ApiConfigSection.DISABLED, null, new TrustConfigSection(new TrustConfigSection.Tuf(null, tuf.mirror(),
                tuf.writeInitialRoot(dir.resolve("tuf-root.json"))), "PT2S", "PT1H", null, null), List.of());

        try (Running run = Running.start(cfg, "live-ca-it")) {
          sim.addLookalikeIdentity(ALICE);
          await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(of(out, "LOOKALIKE", ALICE)).as("a certificate of a CA the root does not list").hasSize(1));

          // TUF publishes the new CA: its certificates are Fulcio-issued from then on, without a restart.
          tuf.publish(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, first, next, second)));
          await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(changes(out)).containsExactly("certificateAuthority ADDED"));
          sim.addLookalikeIdentity(BOB);
          await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(of(out, "IDENTITY_MATCH", BOB)).singleElement().satisfies(a ->
                  assertThat(a.path("certificate").path("chain").asText()).isEqualTo("fulcio " + second)));
          assertThat(of(out, "LOOKALIKE", BOB)).isEmpty();

          // TUF removes the first CA: its later certificates are lookalikes.
          tuf.publish(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, null, next, second)));
          await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(changes(out)).containsExactly("certificateAuthority ADDED", "certificateAuthority REMOVED"));
          sim.addIdentity(CAROL);
          await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(of(out, "LOOKALIKE", CAROL)).hasSize(1));
          assertThat(of(out, "IDENTITY_MATCH", CAROL)).isEmpty();
        }

        // While sigwatch is stopped, the first CA comes back. The next start raises it and trusts it.
        tuf.publish(Map.of(TrustDiff.TRUSTED_ROOT, root(sim, first, next, second)));
        try (Running run = Running.start(cfg, "live-ca-it-2")) {
          await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(changes(out)).containsExactly("certificateAuthority ADDED", "certificateAuthority REMOVED",
                  "certificateAuthority ADDED"));
          List<JsonNode> changed = LiveTrustIT.alerts(out, "TRUST_CHANGED");
          assertThat(changed.get(2).path("evidence").path("after").asText()).contains(first);
          assertThat(changed.get(2).path("alertId").asText()).isNotEqualTo(changed.get(0).path("alertId").asText());
          sim.addIdentity(DAVE);
          await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
              assertThat(of(out, "IDENTITY_MATCH", DAVE)).singleElement().satisfies(a ->
                  assertThat(a.path("certificate").path("chain").asText()).isEqualTo("fulcio " + first)));
          // Nothing from the first run was raised twice.
          assertThat(of(out, "LOOKALIKE", ALICE)).hasSize(1);
          assertThat(of(out, "IDENTITY_MATCH", BOB)).hasSize(1);
        }
      }
    }
  }

  /** The simulator's trusted root with its Rekor v1 key and the CAs given (null: left out). */
  static byte[] root(SigstoreSimulator sim, String first, SimCa next, String nextUri) {
    TrustedRootWriter w = new TrustedRootWriter();
    w.tlog(sim.rekorV1Url(), sim.rekorV1().key().spki(), "PKIX_ECDSA_P256_SHA_256", sim.rekorV1().key().logId(),
        sim.trustStart());
    if (first != null) w.ca(first, sim.ca().chain(), sim.trustStart());
    if (next != null) w.ca(nextUri, next.chain(), sim.trustStart());
    return w.toJson();
  }

  static List<JsonNode> of(Path out, String type, Identity id) throws Exception {
    return AuthorizeCanaryIT.of(CorrelationIT.read(out), type, id.san());
  }

  /** The TRUST_CHANGED alerts so far, as "item change", in order. */
  static List<String> changes(Path out) throws Exception {
    return LiveTrustIT.alerts(out, "TRUST_CHANGED").stream().map(a -> a.path("evidence").path("item").asText() + " "
        + a.path("evidence").path("change").asText()).toList();
  }

  /** {@code sigwatch run} on its own thread until closed. */
  static final class Running implements AutoCloseable {
    private final Thread thread;
    private final AtomicReference<Pipeline> started = new AtomicReference<>();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    private Running(SigwatchConfig cfg, String name) {
      thread = new Thread(() -> {
        try {
          Pipeline.runUntilStopped(cfg, name, Duration.ofMinutes(8), started::set);
        } catch (Throwable e) {
          failed.set(e);
        }
      }, name);
    }

    static Running start(SigwatchConfig cfg, String name) {
      Running r = new Running(cfg, name);
      r.thread.start();
      await().atMost(Duration.ofMinutes(2)).until(() -> r.failed.get() != null || r.started.get() != null);
      assertThat(r.failed.get()).isNull();
      return r;
    }

    @Override
    public void close() throws InterruptedException {
      Pipeline p = started.get();
      if (p != null) p.stop();
      thread.join(Duration.ofMinutes(1).toMillis());
      assertThat(thread.isAlive()).as("the pipeline stopped").isFalse();
    }
  }
}
