package dev.sigwatch.deploy.health;

import dev.sigwatch.ingest.IngestService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/** The checks of each kind of stage, for {@link Health#register}. */
public final class StageChecks {
  private StageChecks() {}

  /**
   * A Kafka Streams app (verify, match): ready while RUNNING; not ready while CREATED (not started yet), REBALANCING
   * or shutting down on request; down in ERROR / PENDING_ERROR, or NOT_RUNNING without a stop having been asked
   * (a Streams app only gets there after its last thread died).
   */
  public static Supplier<Health.Check> streams(String name, Supplier<KafkaStreams.State> state,
                                               BooleanSupplier stopping) {
    return () -> {
      KafkaStreams.State s = state.get();
      if (s == null) return Health.notReady(name, "not started");
      return switch (s) {
        case RUNNING -> Health.up(name, "RUNNING");
        case CREATED, REBALANCING -> Health.notReady(name, s.name());
        case PENDING_SHUTDOWN -> stopping.getAsBoolean() ? Health.notReady(name, "stopping")
            : Health.down(name, "PENDING_SHUTDOWN without a stop request");
        case NOT_RUNNING -> stopping.getAsBoolean() ? Health.notReady(name, "stopped")
            : Health.down(name, "NOT_RUNNING: every stream thread stopped");
        case PENDING_ERROR, ERROR -> Health.down(name, s.name());
      };
    };
  }

  /** The ingest stage: not ready while a log does not answer or a poller backs off after a failure. */
  public static Supplier<Health.Check> ingest(String name, IngestService ingest) {
    return service(name, () -> true, ingest::healthy, () -> ingest.healthy() ? "every log answers"
        : "a log does not answer or a poller is backing off (see sigwatch_ingest_log_up)");
  }

  /**
   * A stage run by our own threads (ingest pollers, the store consumer, sinks): {@code alive} false means a thread
   * died for good (down); {@code ok} false means it is backing off after a failure (not ready).
   */
  public static Supplier<Health.Check> service(String name, BooleanSupplier alive, BooleanSupplier ok,
                                               Supplier<String> detail) {
    return () -> {
      if (!alive.getAsBoolean()) return Health.down(name, detail.get());
      if (!ok.getAsBoolean()) return Health.notReady(name, detail.get());
      return Health.up(name, detail.get());
    };
  }
}
