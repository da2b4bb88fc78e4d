package dev.sigwatch.deploy.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers: a background {@code describeCluster} every {@code every}, so a readiness probe
 * never waits on the network. Not ready until the first answer, and when the last answer is older than
 * {@code 3 × every} (the cluster stopped answering).
 */
public final class BrokerProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerProbe.class);

  private final Admin admin;
  private final ScheduledExecutorService timer;
  private final Duration every;
  private final Clock clock;
  private volatile Instant lastAnswer;
  private volatile int brokers;
  private volatile String lastError = "no answer yet";

  public BrokerProbe(Map<String, Object> clientProperties, Duration every, Clock clock) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "sigwatch-health");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, every.toMillis()));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1000, every.toMillis()));
    this.admin = Admin.create(props);
    this.every = every;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sigwatch-broker-probe");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    try {
      int n = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.max(1000, every.toMillis())))
          .nodes().get(every.toMillis() * 2, TimeUnit.MILLISECONDS).size();
      brokers = n;
      lastAnswer = clock.instant();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      String msg = e.getCause() != null ? e.getCause().toString() : e.toString();
      if (!msg.equals(lastError)) log.warn("Kafka cluster does not answer: {}", msg);
      lastError = msg;
    }
  }

  /** The readiness check named {@code name}. */
  public Supplier<Health.Check> check(String name) {
    return () -> {
      Instant last = lastAnswer;
      if (last == null) return Health.notReady(name, "no answer from the Kafka cluster yet: " + lastError);
      Duration age = Duration.between(last, clock.instant());
      if (age.compareTo(every.multipliedBy(3)) > 0) {
        return Health.notReady(name, "no answer from the Kafka cluster for " + age.toSeconds() + " s: " + lastError);
      }
      return Health.up(name, brokers + " broker(s)");
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
