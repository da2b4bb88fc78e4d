package dev.sigwatch.deploy.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replay's stop on SIGINT/SIGTERM: the shutdown hook raises {@link #requested()} and waits (up to 30 s) for the
 * replaying thread to finish the chunk it is on, so what was written stays consistent.
 */
final class StopOnSignal {
  private final AtomicBoolean requested = new AtomicBoolean();
  private final Thread hook;

  StopOnSignal() {
    Thread main = Thread.currentThread();
    hook = new Thread(() -> {
      requested.set(true);
      try {
        main.join(30_000);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "replay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  boolean requested() {
    return requested.get();
  }

  /** Removes the hook once the replay returned (unless the JVM is already exiting through it). */
  void release() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: the JVM is exiting after this replay stopped
    }
  }
}
