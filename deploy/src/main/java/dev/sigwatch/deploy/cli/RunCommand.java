package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.sink.AlertSink;
import dev.sigwatch.alert.sink.JsonLinesSink;
import dev.sigwatch.deploy.config.ConfigException;
import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.AlertPrinter;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigwatch run}: every stage of this build in one JVM, on the embedded broker unless
 * {@code kafka.bootstrapServers} is configured. Runs until Ctrl-C / SIGTERM, then stops stages in reverse order
 * and the broker last, so no process or lock is left behind.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Run sigwatch: every stage in one JVM until Ctrl-C or SIGTERM.",
        "",
        "Without kafka.bootstrapServers in the config, an embedded single-node Kafka broker is started on loopback",
        "with its data in <dataDir>/kafka (default ~/.sigwatch/kafka); a restart with the same directory keeps topics",
        "and offsets. Every topic of the catalogue is created if missing. Alerts are printed as JSON lines to stdout,",
        "or appended to alerts.file."})
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML configuration (see README: Configuration). Without it: public-good logs, embedded broker, "
          + "empty watchlist.")
  Path config;

  @Override
  public Integer call() throws Exception {
    SigwatchConfig cfg;
    try {
      cfg = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sigwatch run: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    Deque<AutoCloseable> running = new ArrayDeque<>();
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sigwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      KafkaRuntime kafka = KafkaRuntime.start(cfg);
      running.push(kafka);
      AlertSink sink = cfg.alerts().file() == null ? JsonLinesSink.toStream(System.out)
          : JsonLinesSink.toFile(cfg.alerts().file());
      AlertPrinter printer = new AlertPrinter(kafka.clientProperties(), kafka.topics().alerts(),
          "sigwatch-alert-printer", sink);
      printer.start();
      running.push(printer);
      log.info("sigwatch is running (Kafka at {}); alerts go to {}. Ctrl-C to stop.", kafka.bootstrapServers(),
          cfg.alerts().file() == null ? "stdout" : cfg.alerts().file());
      stop.await();
      log.info("stopping sigwatch");
      return 0;
    } finally {
      closeAll(running);
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for 'stopped', which is now counted down
      }
    }
  }

  private static void closeAll(Deque<AutoCloseable> running) {
    while (!running.isEmpty()) {
      AutoCloseable c = running.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    log.info("sigwatch stopped");
  }
}
