package dev.sigwatch.ingest.ct;

import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogSource;
import dev.sigwatch.ingest.Poll;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.topics.Topic;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CT log whose read API is found out rather than configured: the trusted root lists CT logs without saying whether
 * they serve RFC 6962 ({@code ct/v1/get-sth}, ...) or the static-ct tiles ({@code checkpoint}, {@code tile/...}), and
 * Sigstore's newer CT logs are tiled. The first poll asks for the RFC 6962 tree head; a 404 there (and only a 404: an
 * outage is retried as usual) makes it ask for the static-ct checkpoint, and whichever answers is the log's API from
 * then on. Restored checkpoints decide it too: a log that published STATIC_CT checkpoints stays static-ct.
 */
public final class DetectedCtSource implements LogSource {
  private static final Logger log = LoggerFactory.getLogger(DetectedCtSource.class);

  private final LogSource rfc6962;
  private final LogSource staticCt;
  private volatile LogSource chosen;

  /** @param rfc6962 the log read as RFC 6962; @param staticCt the same log read as static-ct (same name, same topic) */
  public DetectedCtSource(LogSource rfc6962, LogSource staticCt) {
    if (!rfc6962.name().equals(staticCt.name())) {
      throw new IllegalArgumentException("both readings must be of one log, got " + rfc6962.name() + " and "
          + staticCt.name());
    }
    this.rfc6962 = rfc6962;
    this.staticCt = staticCt;
  }

  /** The API found so far: {@code CT} (RFC 6962), {@code STATIC_CT}, or null before the log first answered. */
  public LogType api() {
    LogSource c = chosen;
    return c == null ? null : c == staticCt ? LogType.STATIC_CT : LogType.CT;
  }

  @Override
  public String name() {
    return rfc6962.name();
  }

  @Override
  public Topic<String, ? extends SpecificRecord> entriesTopic() {
    return rfc6962.entriesTopic();
  }

  @Override
  public Poll poll(Map<String, Checkpoint> lastPublished) throws IOException, InterruptedException {
    LogSource c = chosen;
    if (c != null) return c.poll(lastPublished);
    try {
      Poll p = rfc6962.poll(lastPublished);
      choose(rfc6962, "its RFC 6962 get-sth answered");
      return p;
    } catch (FileNotFoundException notRfc6962) {
      try {
        Poll p = staticCt.poll(lastPublished);
        choose(staticCt, "get-sth is 404 and its static-ct checkpoint answered");
        return p;
      } catch (FileNotFoundException neither) {
        throw new FileNotFoundException(name() + ": neither an RFC 6962 tree head (" + notRfc6962.getMessage()
            + ") nor a static-ct checkpoint (" + neither.getMessage() + "): is this a CT log URL?");
      }
    }
  }

  private void choose(LogSource s, String why) {
    chosen = s;
    log.info("{}: reading it as {} ({})", name(), s == staticCt ? "static-ct" : "RFC 6962 CT", why);
  }

  private LogSource chosen() {
    LogSource c = chosen;
    if (c == null) throw new IllegalStateException(name() + ": its API is not known before its first poll");
    return c;
  }

  @Override
  public long batchEnd(long start, long limit) {
    return chosen().batchEnd(start, limit);
  }

  @Override
  public List<Fetched> fetch(long start, long end) throws IOException, InterruptedException {
    return chosen().fetch(start, end);
  }

  @Override
  public Set<String> entryKeys() {
    LogSource c = chosen;
    if (c != null) return c.entryKeys();
    Set<String> all = new LinkedHashSet<>(rfc6962.entryKeys());
    all.addAll(staticCt.entryKeys());
    return all;
  }

  @Override
  public long indexOf(SpecificRecord entry) {
    return rfc6962.indexOf(entry);
  }

  @Override
  public long endOf(Checkpoint checkpoint) {
    return (checkpoint.getLogType() == LogType.STATIC_CT ? staticCt : rfc6962).endOf(checkpoint);
  }

  @Override
  public boolean owns(Checkpoint checkpoint) {
    LogSource c = chosen;
    return c != null ? c.owns(checkpoint) : rfc6962.owns(checkpoint) || staticCt.owns(checkpoint);
  }

  @Override
  public void restore(Checkpoint published) {
    LogSource by = published.getLogType() == LogType.STATIC_CT ? staticCt : rfc6962;
    if (chosen == null && by.owns(published)) choose(by, "it published " + published.getLogType() + " checkpoints before");
    by.restore(published);
  }
}
