package dev.sigwatch.deploy.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived command until Ctrl-C or SIGTERM and stops what it started in reverse order, before the JVM
 * exits. A JVM shutdown hook that merely signals "stop" lets the JVM halt while services are still closing (Kafka
 * transactions half-committed, the broker's lock left behind); this hook waits until {@link #close()} is done.
 *
 * <pre>{@code
 * try (Lifecycle life = Lifecycle.start("sigwatch verify")) {
 *   life.add(kafka);          // closed last
 *   life.add(service);        // closed first
 *   life.awaitStop();
 * }
 * }</pre>
 * Not thread-safe except {@link #requestStop()}, which may be called from any thread.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final String name;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  private Lifecycle(String name) {
    this.name = name;
    this.hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name + "-shutdown");
  }

  /** Installs the shutdown hook. */
  public static Lifecycle start(String name) {
    Lifecycle l = new Lifecycle(name);
    Runtime.getRuntime().addShutdownHook(l.hook);
    return l;
  }

  /** Registers a resource; resources are closed in reverse order of registration. Returns it for chaining. */
  public <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Blocks until Ctrl-C, SIGTERM or {@link #requestStop()}. */
  public void awaitStop() throws InterruptedException {
    stop.await();
    log.info("{}: stopping", name);
  }

  public void requestStop() {
    stop.countDown();
  }

  /** Whether Ctrl-C, SIGTERM or {@link #requestStop()} came: stages stopping now are not failing. */
  public boolean stopRequested() {
    return stop.getCount() == 0;
  }

  /** Closes every resource (reverse order), logging failures, then lets a pending JVM shutdown proceed. */
  @Override
  public void close() {
    try {
      while (!resources.isEmpty()) {
        AutoCloseable c = resources.pop();
        try {
          c.close();
        } catch (Exception e) {
          log.warn("{}: error while stopping {}: {}", name, c.getClass().getSimpleName(), e.toString());
        }
      }
      log.info("{}: stopped", name);
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and now returns, since 'closed' is counted down
      }
    }
  }
}
