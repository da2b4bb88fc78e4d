package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.api.ApiToken;
import dev.sigwatch.deploy.config.AlertSettings;
import dev.sigwatch.deploy.config.ApiConfigSection;
import dev.sigwatch.deploy.config.IngestConfigSection;
import dev.sigwatch.deploy.config.KafkaSettings;
import dev.sigwatch.deploy.config.LogSettings;
import dev.sigwatch.deploy.config.MetricsSettings;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.Pipeline;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch demo}: a private Sigstore instance (the log simulator) on loopback and the whole pipeline against
 * it, offline. It narrates on stderr what it does to the logs and which alert to expect; alerts arrive on stdout.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a local Sigstore log simulator (Rekor v1 with two shards, Rekor v2 tiles, an RFC 6962 CT log and",
        "a static-ct log, a Fulcio-like CA) and the whole sigwatch pipeline against it, fully offline.",
        "",
        "The demo watches two identities, then signs as them, signs with a lookalike CA, and makes the logs",
        "misbehave (split view, tampered entry, malformed entry), saying on stderr what to expect. Alerts are",
        "printed on stdout as JSON lines. Stops after --duration, or on Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {
  static final Identity OPS = Identity.email("ops@acme.example", "https://accounts.google.com");
  static final Identity RELEASE = Identity.githubWorkflow("acme/app", ".github/workflows/release.yml", "refs/heads/main");

  @Spec
  CommandSpec spec;

  @Option(names = "--duration", defaultValue = "PT2M",
      description = "How long to run (ISO-8601, e.g. PT2M; PT0S = until Ctrl-C). Default ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--rate", defaultValue = "20", description = "Entries per second the simulated logs grow by. "
      + "Default ${DEFAULT-VALUE}.")
  int rate;

  @Option(names = "--data-dir", description = "Keep the demo's state here (default: a new temporary directory).")
  Path dataDir;

  @Option(names = "--step", defaultValue = "PT8S", hidden = true, description = "Time between demo steps.")
  Duration step;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("sigwatch-demo-");
    Consumer<String> say = s -> spec.commandLine().getErr().println("demo: " + s);
    say.accept("starting a simulated Sigstore instance (state in " + dir + ")");
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).entriesPerSecond(rate).initialEntries(50)
        .inactiveShardEntries(40).witnessed(true).build().start()) {
      Path trustedRoot = sim.writeTrustedRoot(Files.createDirectories(dir.resolve("sim")));
      say.accept("Rekor v1 " + sim.rekorV1Url() + ", Rekor v2 " + sim.rekorV2Url() + ", CT " + sim.ctUrl()
          + ", static CT " + sim.staticCtUrl());
      String token = ApiToken.generate();
      SigwatchConfig config = config(dir, trustedRoot, sim, token);
      say.accept("watching " + OPS.san() + " (issuer " + OPS.issuer() + ") and " + RELEASE.san());
      ScheduledExecutorService script = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigwatch-demo-script");
        t.setDaemon(true);
        return t;
      });
      try {
        schedule(script, sim, say);
        return Pipeline.runUntilStopped(config, "sigwatch demo", duration.isZero() ? null : duration,
            p -> {
              say.accept("pipeline running: alerts follow on stdout");
              if (p.api() != null) {
                say.accept("web page and API at " + p.api().baseUrl() + "/ ; sign in with the admin token " + token);
              }
            });
      } finally {
        script.shutdownNow();
      }
    }
  }

  private void schedule(ScheduledExecutorService script, SigstoreSimulator sim, Consumer<String> say) {
    List<Step> steps = List.of(
        new Step("signing an artifact as " + OPS.san() + " -> expect IDENTITY_MATCH alerts (Rekor v1 and v2)",
            () -> sim.addIdentity(OPS)),
        new Step("a release workflow of acme/app signs -> expect IDENTITY_MATCH", () -> sim.addIdentity(RELEASE)),
        new Step("a certificate for " + OPS.san() + " from a CA that is not Fulcio is used -> expect LOOKALIKE",
            () -> sim.addLookalikeIdentity(OPS)),
        new Step("Rekor v1 logs an entry that is not valid JSON -> expect MALFORMED_ENTRY and a DLQ record",
            () -> sim.trigger(Incident.MALFORMED_ENTRY)),
        new Step("Rekor v1 shows two different trees of the same size -> expect SPLIT_VIEW",
            () -> sim.trigger(Incident.SPLIT_VIEW)));
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      script.schedule(() -> {
        say.accept(s.text());
        try {
          s.action().run();
        } catch (RuntimeException e) {
          say.accept("step failed: " + e);
        }
      }, step.toMillis() * (i + 2), TimeUnit.MILLISECONDS);
    }
  }

  /** The demo's configuration; {@code apiToken} is the admin token of its API (on any free loopback port). */
  static SigwatchConfig config(Path dir, Path trustedRoot, SigstoreSimulator sim, String apiToken) {
    MonitoredValues watch = new MonitoredValues(
        List.of(new MonitoredValues.CertIdentity("ops@acme\\.example", List.of("https://accounts\\.google\\.com")),
            new MonitoredValues.CertIdentity("^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@",
                List.of())),
        null, null, null, null, null);
    List<LogSettings> logs = List.of(
        new LogSettings("rekor-v1", sim.rekorV1Url(), null, null),
        new LogSettings("rekor-v2", sim.rekorV2Url(), null, null),
        new LogSettings("ct", sim.ctUrl(), null, null),
        new LogSettings("static-ct", sim.staticCtUrl(), null, null));
    // The simulator is ours: no need to be polite, start at index 0 so the demo shows a backfill.
    IngestConfigSection ingest = new IngestConfigSection(1000L, 16, 2000.0, "0");
    return new SigwatchConfig(dir, new KafkaSettings(null, null, null, null, null), trustedRoot, null, logs,
        new AlertSettings(null), new MetricsSettings(0, null), null, ingest, watch,
        new ApiConfigSection(true, null, 0, List.of(new ApiConfigSection.Token("demo", "admin",
            ApiToken.hash(apiToken))), null, null, null, null, null), null);
  }

  private record Step(String text, Runnable action) {}
}
