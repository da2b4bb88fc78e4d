package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RetryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Settings of an {@link IngestService}.
 *
 * @param logs the logs to ingest (at least one)
 * @param pollInterval time between checkpoint polls of one log
 * @param inFlight entry requests in flight per log
 * @param requestsPerSecond request-rate limit per log; {@code Double.POSITIVE_INFINITY} for none (local simulator)
 * @param startMode where a log without a committed position starts
 * @param retry retries of one request
 * @param requestTimeout per request attempt
 * @param maxResponseBytes response size limit (see {@link LogHttp#DEFAULT_MAX_RESPONSE_BYTES})
 * @param commitEvery records per Kafka transaction at most (a transaction is also committed when a fetch window
 *     drains)
 */
public record IngestSettings(List<LogTarget> logs, Duration pollInterval, int inFlight, double requestsPerSecond,
    StartMode startMode, RetryPolicy retry, Duration requestTimeout, int maxResponseBytes, int commitEvery) {

  /**
   * Polite to public logs (Rekor's public instance is shared by everyone who signs), yet enough to keep up: public
   * Rekor v1 grows ~230 entries/s, 23 retrieve requests/s of 10 entries; 50 leaves room to catch up after an outage
   * (~270 entries/s net). Tiled logs need one request per 256 entries, far below it.
   */
  public static final double DEFAULT_REQUESTS_PER_SECOND = 50;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_IN_FLIGHT = 32;

  public IngestSettings {
    logs = List.copyOf(logs);
    if (logs.isEmpty()) throw new IllegalArgumentException("logs must not be empty");
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be > 0, was " + pollInterval);
    }
    if (inFlight < 1 || inFlight > 1024) throw new IllegalArgumentException("inFlight must be in [1, 1024], was " + inFlight);
    if (!(requestsPerSecond > 0)) throw new IllegalArgumentException("requestsPerSecond must be > 0, was " + requestsPerSecond);
    if (startMode == null) startMode = StartMode.atEnd();
    if (retry == null) retry = RetryPolicy.DEFAULT;
    if (requestTimeout == null) requestTimeout = Duration.ofSeconds(30);
    if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be >= 1, was " + maxResponseBytes);
    if (commitEvery < 1) throw new IllegalArgumentException("commitEvery must be >= 1, was " + commitEvery);
  }

  /** Defaults for {@code logs}: 5 s polls, 32 in flight, 50 req/s, start at the end. */
  public static IngestSettings defaults(List<LogTarget> logs) {
    return new IngestSettings(logs, DEFAULT_POLL_INTERVAL, DEFAULT_IN_FLIGHT, DEFAULT_REQUESTS_PER_SECOND,
        StartMode.atEnd(), RetryPolicy.DEFAULT, Duration.ofSeconds(30), LogHttp.DEFAULT_MAX_RESPONSE_BYTES, 5000);
  }

  public IngestSettings withStartMode(StartMode m) {
    return new IngestSettings(logs, pollInterval, inFlight, requestsPerSecond, m, retry, requestTimeout,
        maxResponseBytes, commitEvery);
  }

  public IngestSettings withPollInterval(Duration d) {
    return new IngestSettings(logs, d, inFlight, requestsPerSecond, startMode, retry, requestTimeout,
        maxResponseBytes, commitEvery);
  }

  public IngestSettings withRate(double rps) {
    return new IngestSettings(logs, pollInterval, inFlight, rps, startMode, retry, requestTimeout, maxResponseBytes,
        commitEvery);
  }

  public IngestSettings withInFlight(int n) {
    return new IngestSettings(logs, pollInterval, n, requestsPerSecond, startMode, retry, requestTimeout,
        maxResponseBytes, commitEvery);
  }

  public IngestSettings withRetry(RetryPolicy r) {
    return new IngestSettings(logs, pollInterval, inFlight, requestsPerSecond, startMode, r, requestTimeout,
        maxResponseBytes, commitEvery);
  }
}
