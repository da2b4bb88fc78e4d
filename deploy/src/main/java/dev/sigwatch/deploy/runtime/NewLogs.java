package dev.sigwatch.deploy.runtime;

import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.discovery.LogDiscovery;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs that appear after startup — announced for later, or found in a refreshed trust state — each read by its own
 * {@link IngestService} from index 0, so no entry is missed at a shard's rollover. {@code run} and
 * {@code sigwatch ingest} follow the trust state through it ({@link #discover} as a
 * {@link dev.sigwatch.deploy.trust.LiveTrust} listener).
 *
 * <p>A log that leaves the trust state (removed, or retired longer than {@code trust.followRetiredFor} ago) is named
 * in a warning once and still read until the next start: its last entries are audited, and verify reports what the
 * log signs after it lost its key (UNKNOWN_KEY). Thread-safe.
 */
public final class NewLogs {
  private static final Logger log = LoggerFactory.getLogger(NewLogs.class);

  private final Function<List<LogTarget>, IngestSettings> settings;
  private final Duration followRetiredFor;
  private final KafkaRuntime kafka;
  private final IngestMetrics metrics;
  private final Lifecycle life;
  private final Set<LogTarget> known;
  private final Set<LogTarget> gone = new HashSet<>();

  /**
   * @param settings the ingest settings of some logs (each new log starts at index 0 whatever they say)
   * @param known the logs read already
   */
  public NewLogs(Function<List<LogTarget>, IngestSettings> settings, Duration followRetiredFor, KafkaRuntime kafka,
                 IngestMetrics metrics, Lifecycle life, List<LogTarget> known) {
    this.settings = settings;
    this.followRetiredFor = followRetiredFor;
    this.kafka = kafka;
    this.metrics = metrics;
    this.life = life;
    this.known = new LinkedHashSet<>(known);
  }

  /** Starts reading the logs of {@code state} not read yet, each from index 0; warns of logs no longer in it. */
  public synchronized void discover(TrustState state) {
    List<LogTarget> now = LogDiscovery.discover(state, Instant.now(), followRetiredFor).all();
    List<LogTarget> left = known.stream().filter(l -> !now.contains(l) && gone.add(l)).toList();
    if (!left.isEmpty()) {
      log.warn("trust: log(s) no longer in the trust state, still read until the next start: {}", left);
    }
    gone.removeIf(now::contains);
    List<LogTarget> found = now.stream().filter(l -> !known.contains(l)).toList();
    if (!found.isEmpty()) {
      log.info("trust: new log(s) in the trust state, reading each from index 0: {}", found);
      start(found);
    }
  }

  /** Starts reading {@code logs} from index 0. */
  public synchronized void start(List<LogTarget> logs) {
    if (logs.isEmpty()) return;
    known.addAll(logs);
    life.add(new IngestService(settings.apply(logs).withStartMode(new StartMode.AtIndex(0)),
        kafka.clientProperties(), kafka.topics(), metrics)).start();
  }
}
