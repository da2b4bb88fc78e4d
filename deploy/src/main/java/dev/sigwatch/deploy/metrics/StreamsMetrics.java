package dev.sigwatch.deploy.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.sigwatch.schemas.dlq.DlqDeserializationExceptionHandler;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Exposes the Kafka Streams client metrics an operator needs, for each {@link StreamsStage}, labelled
 * {@code stage}. Values are read from the live {@link KafkaStreams#metrics()} on each scrape: no polling thread, no
 * copy that can go stale. Kafka's millisecond and nanosecond values are converted to seconds.
 *
 * <p>One collector holds every stage (Prometheus names must be unique in a registry). Thread-safe: a scrape only
 * reads the stages' thread-safe views. {@link #close()} unregisters it.
 */
public final class StreamsMetrics implements MultiCollector, AutoCloseable {
  static final String PREFIX = "sigwatch_streams_";
  private static final String CLIENT = "stream-metrics";
  private static final String THREAD = "stream-thread-metrics";
  private static final String FETCH = "consumer-fetch-manager-metrics";

  /** One Kafka metric bridged to one Prometheus family; {@code tag} becomes label {@code label} (null: none). */
  private record Bridged(String group, String kafkaName, String name, String help, boolean counter, double scale,
                         String tag, String label) {}

  private static final List<Bridged> BRIDGED = List.of(
      new Bridged(CLIENT, "alive-stream-threads", "alive_threads", "Stream threads alive", false, 1, null, null),
      new Bridged(CLIENT, "failed-stream-threads", "failed_threads", "Stream threads that died", true, 1, null, null),
      new Bridged(THREAD, "process-rate", "process_rate", "Records processed per second", false, 1,
          "thread-id", "thread"),
      new Bridged(THREAD, "process-total", "processed_records", "Records processed", true, 1, "thread-id", "thread"),
      new Bridged(THREAD, "commit-latency-avg", "commit_latency_avg_seconds", "Average commit latency", false, 1e-3,
          "thread-id", "thread"),
      new Bridged(THREAD, "commit-latency-max", "commit_latency_max_seconds", "Maximum commit latency", false, 1e-3,
          "thread-id", "thread"),
      new Bridged(THREAD, "commit-total", "commits", "Commits", true, 1, "thread-id", "thread"),
      new Bridged(THREAD, "task-created-total", "task_creations", "Tasks created", true, 1, "thread-id", "thread"),
      new Bridged(THREAD, "task-closed-total", "task_closures", "Tasks closed", true, 1, "thread-id", "thread"),
      new Bridged(THREAD, "blocked-time-ns-total", "blocked_seconds", "Time stream threads spent blocked on Kafka",
          true, 1e-9, "thread-id", "thread"),
      new Bridged(FETCH, "records-lag-max", "records_lag_max",
          "Largest lag in records of any partition a consumer of the stage reads", false, 1, "client-id", "client"));

  private static final String RUNNING = PREFIX + "running";
  private static final String STATE = PREFIX + "state";
  private static final String THREAD_FAILURES = PREFIX + "thread_failures";
  private static final String TASKS = PREFIX + "tasks";
  /** Records of a writer schema this release does not know (version skew), sent to the DLQ with a SCHEMA_SKEW alert. */
  private static final String UNKNOWN_SCHEMA = PREFIX + "unknown_schema_records";

  private final List<StreamsStage> stages;
  private PrometheusRegistry registeredTo;

  public StreamsMetrics(List<StreamsStage> stages) {
    this.stages = List.copyOf(stages);
    if (this.stages.stream().map(StreamsStage::name).distinct().count() != this.stages.size()) {
      throw new IllegalArgumentException("stage names must be distinct, got " + this.stages);
    }
  }

  /** Registers a collector of {@code stages} with {@code registry}; close it to unregister. */
  public static StreamsMetrics register(PrometheusRegistry registry, List<StreamsStage> stages) {
    StreamsMetrics m = new StreamsMetrics(stages);
    registry.register(m);
    synchronized (m) {
      m.registeredTo = registry;
    }
    return m;
  }

  @Override
  public List<String> getPrometheusNames() {
    List<String> names = new ArrayList<>(List.of(RUNNING, STATE, TASKS, UNKNOWN_SCHEMA, THREAD_FAILURES));
    BRIDGED.forEach(b -> names.add(PREFIX + b.name()));
    return names;
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    addStateGauges(out);
    // One pass per stage over its metrics, then one family per bridged metric across stages.
    List<Map<MetricName, ? extends Metric>> views = stages.stream()
        .<Map<MetricName, ? extends Metric>>map(s -> s.metrics().get()).toList();
    for (Bridged b : BRIDGED) {
      Map<Labels, Double> points = new LinkedHashMap<>();
      for (int i = 0; i < stages.size(); i++) {
        String stage = stages.get(i).name();
        views.get(i).forEach((n, m) -> {
          if (n.group().equals(b.group()) && n.name().equals(b.kafkaName()) && perClient(n)) {
            Double v = number(m);
            if (v != null && (!b.counter() || (Double.isFinite(v) && v >= 0))) {
              points.putIfAbsent(labels(stage, b, n), v * b.scale());
            }
          }
        });
      }
      out.add(b.counter() ? counter(PREFIX + b.name(), b.help(), points) : gauge(PREFIX + b.name(), b.help(), points));
    }
    out.add(taskGauge(views));
    Map<Labels, Double> skew = new LinkedHashMap<>();
    for (StreamsStage st : stages) {
      // The stages name their DLQ source after themselves ("verify", "match").
      skew.put(Labels.of("stage", st.name()), (double) DlqDeserializationExceptionHandler.unknownSchemaRecords(st.name()));
    }
    out.add(counter(UNKNOWN_SCHEMA, "Records of a writer schema unknown to this release (version skew), sent to the DLQ"
        + " with a SCHEMA_SKEW alert", skew));
    Map<Labels, Double> failures = new LinkedHashMap<>();
    for (StreamsStage s : stages) failures.put(Labels.of("stage", s.name()), (double) s.threadFailures().get());
    out.add(counter(THREAD_FAILURES, "stream threads of the stage that died of an unexpected exception and were "
        + "replaced (each also logged at ERROR and raised as a HEALTH alert)", failures));
    return new MetricSnapshots(out);
  }

  /** Running 1/0 per stage, plus one series per Kafka Streams state, 1 for the current one. */
  private void addStateGauges(List<MetricSnapshot> out) {
    Map<Labels, Double> running = new LinkedHashMap<>();
    Map<Labels, Double> state = new LinkedHashMap<>();
    for (StreamsStage s : stages) {
      KafkaStreams.State current = s.state().get();
      running.put(Labels.of("stage", s.name()), current == KafkaStreams.State.RUNNING ? 1.0 : 0.0);
      for (KafkaStreams.State st : KafkaStreams.State.values()) {
        state.put(Labels.of("stage", s.name(), "state", st.name()), st == current ? 1.0 : 0.0);
      }
    }
    out.add(gauge(RUNNING, "1 when the stage's Kafka Streams client is RUNNING, else 0", running));
    out.add(gauge(STATE, "1 for the current Kafka Streams state of the stage, 0 for the others", state));
  }

  /** Tasks a thread holds now: created minus closed. */
  private MetricSnapshot taskGauge(List<Map<MetricName, ? extends Metric>> views) {
    Map<Labels, Double> tasks = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      Map<String, Double> created = new LinkedHashMap<>();
      Map<String, Double> closed = new LinkedHashMap<>();
      views.get(i).forEach((n, m) -> {
        String thread = n.tags().get("thread-id");
        Double v = number(m);
        if (n.group().equals(THREAD) && thread != null && v != null) {
          if (n.name().equals("task-created-total")) {
            created.put(thread, v);
          } else if (n.name().equals("task-closed-total")) {
            closed.put(thread, v);
          }
        }
      });
      String stage = stages.get(i).name();
      created.forEach((thread, c) -> tasks.put(Labels.of("stage", stage, "thread", thread),
          c - closed.getOrDefault(thread, 0.0)));
    }
    return gauge(TASKS, "Tasks a stream thread holds now (created minus closed)", tasks);
  }

  /** Consumer fetch metrics exist per client, per topic and per partition: keep the per-client one. */
  private static boolean perClient(MetricName n) {
    return !n.tags().containsKey("topic") && !n.tags().containsKey("partition");
  }

  private static Labels labels(String stage, Bridged b, MetricName n) {
    if (b.tag() == null) {
      return Labels.of("stage", stage);
    }
    return Labels.of("stage", stage, b.label(), n.tags().getOrDefault(b.tag(), ""));
  }

  private static Double number(Metric m) {
    return m.metricValue() instanceof Number n ? n.doubleValue() : null;
  }

  private static GaugeSnapshot gauge(String name, String help, Map<Labels, Double> points) {
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(help);
    points.forEach((l, v) -> g.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(v).build()));
    return g.build();
  }

  private static CounterSnapshot counter(String name, String help, Map<Labels, Double> points) {
    CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(help);
    points.forEach((l, v) -> c.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(v).build()));
    return c.build();
  }

  @Override
  public void close() {
    PrometheusRegistry r;
    synchronized (this) {
      r = registeredTo;
      registeredTo = null;
    }
    if (r != null) {
      r.unregister(this);
    }
  }
}
