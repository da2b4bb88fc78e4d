package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An ingest process for {@link KillNineIT}: {@code IngestChildMain <bootstrap> <family> <url> <requests/s>}; ingests
 * one log from index 0 and runs until killed.
 */
public final class IngestChildMain {
  public static void main(String[] args) throws Exception {
    IngestSettings s = new IngestSettings(List.of(LogTarget.of(args[1], args[2])), Duration.ofMillis(200), 4,
        Double.parseDouble(args[3]), new StartMode.AtIndex(0), new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)),
        Duration.ofSeconds(10), LogHttp.DEFAULT_MAX_RESPONSE_BYTES, 100);
    new IngestService(s, Map.of("bootstrap.servers", args[0]), Topics.create(SerdeConfig.embedded()),
        IngestMetrics.unregistered()).start();
    Thread.currentThread().join();
  }
}
