package dev.sigwatch.deploy.cli;

import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.core.trust.TufTrustedRoots;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.config.VerifyConfigSection;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.verify.VerifyService;
import dev.sigwatch.verify.VerifySettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch verify --config FILE}: the verify stage alone (checkpoint signatures, consistency, full audit,
 * shards, liveness, witnesses) until Ctrl-C / SIGTERM. Uses {@code kafka.bootstrapServers} when configured, else the
 * embedded broker; the trusted root from {@code trustedRoot}, else the public-good root via TUF.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Run the verify stage alone: checkpoint signatures, consistency, full audit, shards, liveness, "
        + "witness policy. Emits log events and integrity alerts.")
public final class VerifyCommand implements Callable<Integer> {

  /** The {@code verify:} section of a config; the launcher sets it to {@code SigwatchConfig::verify} once wired. */
  static Function<SigwatchConfig, VerifyConfigSection> section = cfg -> VerifyConfigSection.DEFAULT;

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (see README).")
  Path config;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg;
    VerifySettings settings;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
      settings = section.apply(cfg).toSettings(trustedRoot(cfg));
    } catch (ConfigException | TrustException e) {
      spec.commandLine().getErr().println("sigwatch verify: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(); // let the stage commit and close before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sigwatch-verify-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (KafkaRuntime kafka = KafkaRuntime.start(cfg);
        VerifyService service = new VerifyService(settings, kafka.clientProperties(), kafka.topics())) {
      service.start();
      stop.await();
      return 0;
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and waits for 'stopped', which is counted down
      }
    }
  }

  private static TrustedRoot trustedRoot(SigwatchConfig cfg) throws TrustException {
    return cfg.trustedRoot() != null ? TrustedRoot.load(cfg.trustedRoot())
        : TufTrustedRoots.publicGood(cfg.dataDir().resolve("tuf")).trustedRoot();
  }
}
