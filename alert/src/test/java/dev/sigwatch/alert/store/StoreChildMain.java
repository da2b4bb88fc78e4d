package dev.sigwatch.alert.store;

import dev.sigwatch.alert.store.jdbc.JdbcAlertStore;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The alert stage's store consumer in a JVM of its own, for {@link StoreKillNineIT}: args are bootstrap servers,
 * topic prefix, JDBC URL, consumer group, writes per second. Polls of 100 records, at most that many transactions a
 * second, so a kill -9 lands mid-stream. Runs until killed.
 */
public final class StoreChildMain {
  private StoreChildMain() {}

  public static void main(String[] args) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(args[1]);
    AlertStore store = throttled(JdbcAlertStore.open(args[2], null, null, 2, Clock.systemUTC()),
        Integer.parseInt(args[4]));
    StoreConsumer c = new StoreConsumer(
        // The killed child's membership ends after the session timeout: the broker's minimum, so restarts are quick.
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0], ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000),
        args[3], store, topics.alerts(), topics.logEvents(), topics.identities(), null, Duration.ofHours(1),
        Clock.systemUTC());
    c.start();
    new CountDownLatch(1).await();
  }

  /** {@code store} whose writes are spaced at least 1/{@code perSecond} s apart. */
  private static AlertStore throttled(AlertStore store, int perSecond) {
    long gapNanos = 1_000_000_000L / perSecond;
    long[] next = {System.nanoTime()};
    return (AlertStore) Proxy.newProxyInstance(AlertStore.class.getClassLoader(), new Class<?>[] {AlertStore.class},
        (proxy, method, margs) -> {
          if (method.getName().equals("write")) {
            long wait = next[0] - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            next[0] = Math.max(next[0], System.nanoTime()) + gapNanos;
          }
          try {
            return method.invoke(store, margs);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
