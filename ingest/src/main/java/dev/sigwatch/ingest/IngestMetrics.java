package dev.sigwatch.ingest;

import dev.sigwatch.ingest.http.LogHttp;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus metrics of ingest, labelled by log. One instance per registry (registering twice fails); thread-safe.
 */
public final class IngestMetrics {
  private final Counter entries;
  private final Counter rejected;
  private final Gauge position;
  private final Gauge lag;
  private final Counter errors;
  private final Counter retries;
  private final Gauge up;
  private final Counter mismatched;
  private final Counter failures;
  private final Gauge resumeRecordsRead;
  private final Gauge held;
  private final Counter refetched;

  public IngestMetrics(PrometheusRegistry registry) {
    entries = Counter.builder().name("sigwatch_ingest_entries_total").help("Entries published (committed)")
        .labelNames("log").register(registry);
    rejected = Counter.builder().name("sigwatch_ingest_rejected_total").help("Entries malformed as served, sent to the DLQ")
        .labelNames("log").register(registry);
    position = Gauge.builder().name("sigwatch_ingest_position").help("Next index to ingest")
        .labelNames("log").register(registry);
    lag = Gauge.builder().name("sigwatch_ingest_lag_entries").help("Entries behind the newest checkpoint")
        .labelNames("log").register(registry);
    errors = Counter.builder().name("sigwatch_ingest_request_errors_total").help("Requests that failed every attempt")
        .labelNames("log").register(registry);
    retries = Counter.builder().name("sigwatch_ingest_request_retries_total").help("Request attempts retried")
        .labelNames("log").register(registry);
    up = Gauge.builder().name("sigwatch_ingest_log_up").help("1 when the log answered its last request")
        .labelNames("log").register(registry);
    mismatched = Counter.builder().name("sigwatch_ingest_mismatched_total")
        .help("Entries published as served with an anomaly noted in the DLQ: a body that does not match its claimed "
            + "identity (tampering), a wrong inclusion-proof index, unusable CT extra_data")
        .labelNames("log").register(registry);
    failures = Counter.builder().name("sigwatch_ingest_failures_total")
        .help("Unexpected failures of a poller (it backs off and resumes from its last committed position)")
        .labelNames("log").register(registry);
    resumeRecordsRead = Gauge.builder().name("sigwatch_ingest_resume_records_read")
        .help("Records read from Kafka at the last (re)start to find where to resume: about 1 from the position record")
        .labelNames("log").register(registry);
    held = Gauge.builder().name("sigwatch_ingest_held_bytes")
        .help("Bytes of fetched batches waiting to be published (bounded per log, see ingest's held budget)")
        .labelNames("log").register(registry);
    refetched = Counter.builder().name("sigwatch_ingest_refetched_batches_total")
        .help("Batches fetched while the held budget was full, dropped and fetched again (memory pressure)")
        .labelNames("log").register(registry);
  }

  void held(String logName, long bytes) {
    held.labelValues(logName).set(bytes);
  }

  void refetched(String logName) {
    refetched.labelValues(logName).inc();
  }

  /** Batches dropped for the held budget and fetched again. */
  public long refetchedBatches(String logName) {
    return (long) refetched.labelValues(logName).get();
  }

  /** Metrics not exported anywhere (tests, benchmark). */
  public static IngestMetrics unregistered() {
    return new IngestMetrics(new PrometheusRegistry());
  }

  void committed(String logName, long entryCount, long rejectedCount, long nextIndex, long end) {
    committed(logName, entryCount, rejectedCount, 0, nextIndex, end);
  }

  void committed(String logName, long entryCount, long rejectedCount, long mismatchedCount, long nextIndex, long end) {
    entries.labelValues(logName).inc(entryCount);
    mismatched.labelValues(logName).inc(mismatchedCount);
    rejected.labelValues(logName).inc(rejectedCount);
    position.labelValues(logName).set(nextIndex);
    lag.labelValues(logName).set(Math.max(0, end - nextIndex));
  }

  void resumed(String logName, long recordsRead) {
    resumeRecordsRead.labelValues(logName).set(recordsRead);
  }

  /** Records read at the last (re)start of {@code logName} to find where to resume. */
  public long resumeRecordsRead(String logName) {
    return (long) resumeRecordsRead.labelValues(logName).get();
  }

  void failed(String logName) {
    failures.labelValues(logName).inc();
    up(logName, false);
  }

  void up(String logName, boolean isUp) {
    up.labelValues(logName).set(isUp ? 1 : 0);
  }

  /** A {@link LogHttp.Listener} counting retries and failures of {@code logName}. */
  public LogHttp.Listener httpListener(String logName) {
    return new LogHttp.Listener() {
      @Override public void retried(String what) {
        retries.labelValues(logName).inc();
      }

      @Override public void failed(String what) {
        errors.labelValues(logName).inc();
      }
    };
  }

  /** Committed entries of {@code logName} so far. */
  public long entries(String logName) {
    return (long) entries.labelValues(logName).get();
  }

  public long rejected(String logName) {
    return (long) rejected.labelValues(logName).get();
  }

  /** Committed entries of {@code logName} published as served although they do not match their identity. */
  public long mismatched(String logName) {
    return (long) mismatched.labelValues(logName).get();
  }

  /** Unexpected poller failures of {@code logName} so far (each followed by a back-off and a resume). */
  public long failures(String logName) {
    return (long) failures.labelValues(logName).get();
  }
}
