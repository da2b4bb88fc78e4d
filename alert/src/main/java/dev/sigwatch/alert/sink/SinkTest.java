package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/** {@code sigwatch alert test}: one test alert through one sink, once, and what happened. */
public final class SinkTest {
  public static final String TEST = "TEST";

  private SinkTest() {}

  /** What happened: delivered or not, how long it took, the (secret-free) error. */
  public record Result(String sink, String destination, String idempotencyKey, boolean delivered, long millis,
      String error) {
    public String describe() {
      return delivered
          ? String.format(Locale.ROOT, "sink %s (%s): delivered test alert %s in %d ms", sink, destination,
              idempotencyKey, millis)
          : String.format(Locale.ROOT, "sink %s (%s): NOT delivered after %d ms: %s", sink, destination, millis, error);
    }
  }

  /** A TEST alert (severity INFO) with a fresh id, saying which sink it tests. */
  public static SinkMessage message(String sinkName, Clock clock) {
    long now = clock.millis();
    Alert a = Alert.newBuilder()
        .setAlertId(SinkHealth.id(TEST, sinkName, Long.toString(now), Long.toString(System.nanoTime())))
        .setType(TEST)
        .setSeverity(Severity.INFO)
        .setSummary("sigwatch test alert for sink '" + sinkName + "': if you read this, delivery works")
        .setEvidence(Map.of("sink", sinkName))
        .setCreatedAtMillis(now)
        .build();
    return SinkMessage.of(a);
  }

  /** Delivers {@code m} through {@code spec}'s sink once, ignoring its filter. */
  public static Result send(SinkSpec spec, SinkMessage m, SinkMetrics metrics) {
    long t0 = System.nanoTime();
    try {
      spec.sink().deliver(java.util.List.of(m));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      metrics.recordDelivered(spec.name(), 1, ms / 1000.0, 0);
      return new Result(spec.name(), spec.sink().describe(), m.idempotencyKey(), true, ms, null);
    } catch (Exception e) {
      metrics.recordFailure(spec.name());
      String why = spec.redact(e instanceof SinkException ? e.getMessage() : e.toString());
      return new Result(spec.name(), spec.sink().describe(), m.idempotencyKey(), false,
          (System.nanoTime() - t0) / 1_000_000, why);
    }
  }
}
