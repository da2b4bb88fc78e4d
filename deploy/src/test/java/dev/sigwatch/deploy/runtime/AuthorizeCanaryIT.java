package dev.sigwatch.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.deploy.Sigwatch;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.CanarySettings;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Authorize and canary end to end on a real (embedded) broker: {@code sigwatch run} against the simulator with alice
 * and bob watched and a canary on a daily job's identity. {@code sigwatch authorize add --tbs} (the real command,
 * writing to the running pipeline's broker) authorizes alice's release certificate before it signs: its Rekor entry
 * is INFO AUTHORIZED, bob's is HIGH IDENTITY_MATCH. The canary's job signs once (no alert), then stays
 * silent past its period: one CANARY_MISSING.
 */
class AuthorizeCanaryIT {
  static final Identity ALICE = Identity.email("alice@acme.example", "https://accounts.google.com");
  static final Identity BOB = Identity.email("bob@acme.example", "https://accounts.google.com");
  static final Identity JOB = Identity.email("nightly@acme.example", "https://accounts.google.com");
  static final Identity PROBE = Identity.email("probe@acme.example", "https://accounts.google.com");

  /** The canary's period: its silence is what the test waits for, so short; a late first sighting is handled below. */
  static final Duration CANARY_PERIOD = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void authorizedReleaseIsInfoOthersHighAndASilentCanaryAlertsOnce() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      Path out = dir.resolve("alerts.jsonl");
      Path data = dir.resolve("data");
      MonitoredValues watch = new MonitoredValues(List.of(
          new MonitoredValues.CertIdentity("^(alice|bob|nightly|probe)@acme\\.example$", List.of())), null, null, null, null,
          null);
      SigwatchConfig cfg = new SigwatchConfig(data, new KafkaSettings(null, null, null, null, null), trustedRoot, null,
          List.of(new LogSettings("rekor-v1", sim.rekorV1Url(), null, null)),
          new AlertSettings(out), new MetricsSettings(0, null), null, new IngestConfigSection(300L, 2, 1000.0, "0"),
          watch, ApiConfigSection.DISABLED, null, null, List.of(new CanarySettings("nightly", "^nightly@acme\\.example$", CANARY_PERIOD.toString())));
      Path cfgFile = Files.writeString(dir.resolve("sigwatch.yaml"), "dataDir: " + data + "\n");
      AtomicReference<Pipeline> started = new AtomicReference<>();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          Pipeline.runUntilStopped(cfg, "authorize-it", Duration.ofMinutes(6), started::set);
        } catch (Throwable e) {
          failed.set(e);
        }
      }, "authorize-it");
      t.start();
      try {
        await().atMost(Duration.ofMinutes(2)).until(() -> failed.get() != null || started.get() != null);
        assertThat(failed.get()).isNull();
        java.time.Instant startedAt = java.time.Instant.now(); // after the canary started (it starts before onStarted)

        // The canary's job signs (the monitoring path works), then the release is authorized, then it signs.
        sim.addIdentity(JOB);
        IssuedCert release = sim.issue(ALICE);
        String tbs = PrecertTbs.tbsHash(PrecertTbs.fromFinalCertificate(release.certificate()));
        assertThat(authorize(cfgFile, tbs, "release v1.0")).isEqualTo("TBS:" + tbs);
        // The matcher follows the topic asynchronously: a probe authorized after the release (one partition, in order)
        // and seen AUTHORIZED proves the matcher has the release's authorization too.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(new java.util.concurrent.Callable<>() {
          String probeTbs;

          @Override
          public Boolean call() throws Exception {
            List<JsonNode> all = CorrelationIT.read(out).stream()
                .filter(a -> a.path("evidence").path("source").asText().equals("REKOR")).toList();
            if (probeTbs != null && all.stream().anyMatch(a -> a.path("type").asText().equals("AUTHORIZED")
                && a.path("evidence").path("tbsHash").asText().equals(probeTbs))) return true;
            if (probeTbs == null || all.stream().anyMatch(a -> a.path("evidence").path("tbsHash").asText().equals(probeTbs))) {
              IssuedCert probe = sim.issue(PROBE);
              probeTbs = PrecertTbs.tbsHash(PrecertTbs.fromFinalCertificate(probe.certificate()));
              authorize(cfgFile, probeTbs, "probe");
              sim.sign(probe);
            }
            return false;
          }
        });
        sim.sign(release);
        sim.addIdentity(BOB);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          assertThat(failed.get()).isNull();
          List<JsonNode> all = CorrelationIT.read(out);
          assertThat(of(all, "AUTHORIZED", "alice@acme.example")).as("alice's release in Rekor").hasSize(1)
              .allSatisfy(a -> {
                assertThat(a.path("severity").asText()).isEqualTo("INFO");
                assertThat(a.path("evidence").path("authorization").asText()).isEqualTo("TBS:" + tbs);
              });
          assertThat(of(all, "IDENTITY_MATCH", "bob@acme.example")).hasSize(1)
              .allSatisfy(a -> assertThat(a.path("severity").asText()).isEqualTo("HIGH"));
        });
        assertThat(of(CorrelationIT.read(out), "IDENTITY_MATCH", "alice@acme.example")).isEmpty();
        assertThat(of(CorrelationIT.read(out), "IDENTITY_MATCH", "nightly@acme.example")).isNotEmpty();

        // The job stops signing: a CANARY_MISSING at least a period after its last sighting, and one per silence. (On a
        // loaded machine the first sighting may itself come later than a period after startup: that silence is real
        // and alerts too; each silence is one alert, named by its last sighting.)
        java.util.function.Predicate<JsonNode> afterSighting = a -> java.time.Instant.parse(
            a.path("evidence").path("lastSeen").asText()).isAfter(startedAt);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
            .until(() -> of(CorrelationIT.read(out), "CANARY_MISSING", null).stream().anyMatch(afterSighting));
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).until(() -> {
          List<JsonNode> missing = of(CorrelationIT.read(out), "CANARY_MISSING", null);
          return missing.stream().map(a -> a.path("evidence").path("lastSeen").asText()).distinct().count()
              == missing.size();
        });
        JsonNode missing = of(CorrelationIT.read(out), "CANARY_MISSING", null).stream()
            .filter(afterSighting).findFirst().orElseThrow();
        assertThat(java.time.Instant.parse(missing.path("createdAt").asText())).isAfterOrEqualTo(java.time.Instant.parse(
            missing.path("evidence").path("lastSeen").asText()).plus(CANARY_PERIOD));
        assertThat(missing.path("summary").asText()).contains("canary 'nightly'", "monitoring path");
        assertThat(missing.path("severity").asText()).isEqualTo("HIGH");
      } finally {
        Pipeline p = started.get();
        if (p != null) p.stop();
        t.join(Duration.ofMinutes(1).toMillis());
      }
    }
  }

  /** {@code sigwatch authorize add --tbs HEX}, the real command against the running pipeline's broker; its output. */
  static String authorize(Path cfgFile, String tbs, String description) {
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();
    CommandLine cli = new CommandLine(new Sigwatch());
    cli.setOut(new PrintWriter(cliOut));
    cli.setErr(new PrintWriter(cliErr));
    int rc = cli.execute("authorize", "--config", cfgFile.toString(), "add", "--tbs", tbs, "--description", description);
    assertThat(rc).as(cliErr.toString()).isZero();
    return cliOut.toString().trim();
  }

  static List<JsonNode> of(List<JsonNode> alerts, String type, String identity) {
    return alerts.stream().filter(a -> a.path("type").asText().equals(type))
        .filter(a -> identity == null || a.path("identity").asText().equals(identity)).toList();
  }
}
