package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import java.time.Duration;
import java.util.List;

/**
 * The {@code ingest:} section of the config file.
 *
 * @param pollIntervalMs time between checkpoint polls of one log (default 5000)
 * @param inFlight entry requests in flight per log (default 32)
 * @param requestsPerSecond request-rate limit per log (default 50: polite to the shared public logs yet twice what
 *     public Rekor v1's growth needs; raise it only for your own log or the simulator)
 * @param startAt where a log with no committed position starts: {@code end} (default) or an index
 */
public record IngestConfigSection(
    @JsonProperty("pollIntervalMs") Long pollIntervalMs,
    @JsonProperty("inFlight") Integer inFlight,
    @JsonProperty("requestsPerSecond") Double requestsPerSecond,
    @JsonProperty("startAt") String startAt) {

  public static final IngestConfigSection DEFAULT = new IngestConfigSection(null, null, null, null);

  public IngestConfigSection {
    pollIntervalMs = pollIntervalMs == null ? IngestSettings.DEFAULT_POLL_INTERVAL.toMillis() : pollIntervalMs;
    inFlight = inFlight == null ? IngestSettings.DEFAULT_IN_FLIGHT : inFlight;
    requestsPerSecond = requestsPerSecond == null ? IngestSettings.DEFAULT_REQUESTS_PER_SECOND : requestsPerSecond;
    startAt = startAt == null ? "end" : startAt.trim();
    if (pollIntervalMs < 1) throw new IllegalArgumentException("ingest.pollIntervalMs must be >= 1, was " + pollIntervalMs);
    if (inFlight < 1) throw new IllegalArgumentException("ingest.inFlight must be >= 1, was " + inFlight);
    if (!(requestsPerSecond > 0)) throw new IllegalArgumentException("ingest.requestsPerSecond must be > 0, was " + requestsPerSecond);
    startMode(startAt);
  }

  static StartMode startMode(String startAt) {
    if (startAt.equals("end")) return StartMode.atEnd();
    try {
      return new StartMode.AtIndex(Long.parseLong(startAt));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ingest.startAt must be 'end' or an index, but was: " + startAt, e);
    }
  }

  /** Settings for {@code logs} from this section. */
  public IngestSettings toSettings(List<LogTarget> logs) {
    return IngestSettings.defaults(logs).withPollInterval(Duration.ofMillis(pollIntervalMs)).withInFlight(inFlight)
        .withRate(requestsPerSecond).withStartMode(startMode(startAt));
  }
}
