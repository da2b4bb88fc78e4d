package dev.sigwatch.verify;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adapts the {@link Judge} to Kafka Streams: for each checkpoint it checks the record (DLQ for a null value or a key
 * that is not its log id), verifies the signature and the witness policy against the current trusted root, lists the
 * frozen Rekor v1 shards of the same instance the checkpoint no longer names, loads the log's {@link LogView} from
 * the two stores, asks the judge, stores the view it returns and forwards its outputs (alerts through the dedup
 * store: a replay or restart never repeats one). A wall-clock punctuator every {@code livenessInterval} asks the
 * judge's {@link Judge#tick} about every log. The rules themselves, and which alerts they raise, are the judge's.
 * One instance per task, confined to its stream thread.
 */
final class CheckpointProcessor implements Processor<String, Checkpoint, String, VerifyOutput> {

  private static final String SOURCE = "verify.checkpoints";

  /**
   * Called with every checkpoint before it is processed; throws to simulate an unexpected failure of the stage. Only
   * tests of the stage's recovery set it ({@link GuardedProcessor}, {@link VerifyService}'s exception handler).
   */
  static volatile Consumer<Checkpoint> injectedFault = c -> { };

  private final CheckpointSignatures signatures;
  private final WitnessCheck witnesses;
  private final boolean witnessPolicy;
  private final java.time.Duration livenessInterval;
  private final Judge judge;
  private KeyValueStore<String, LogState> states;
  private KeyValueStore<String, IncidentState> incidents;
  private Emitter emit;

  CheckpointProcessor(VerifySettings settings) {
    this.signatures = new CheckpointSignatures(settings::rootNow, settings.origins());
    this.witnesses = new WitnessCheck(settings.witnessPolicy());
    this.witnessPolicy = settings.witnessPolicy().enabled();
    this.livenessInterval = settings.livenessInterval();
    this.judge = new Judge(Judge.Bounds.of(settings));
  }

  @Override
  public void init(ProcessorContext<String, VerifyOutput> context) {
    this.states = context.getStateStore(VerifyTopology.LOG_STATE_STORE);
    this.incidents = context.getStateStore(VerifyTopology.INCIDENT_STORE);
    this.emit = new Emitter(context, context.getStateStore(VerifyTopology.CHECKPOINT_ALERT_IDS_STORE));
    context.schedule(livenessInterval, PunctuationType.WALL_CLOCK_TIME, this::checkLiveness);
  }

  @Override
  public void process(Record<String, Checkpoint> record) {
    Checkpoint c = record.value();
    if (c != null) injectedFault.accept(c);
    if (c == null) {
      emit.reject(record, record.key(), SOURCE, "null checkpoint value");
      return;
    }
    String logId = c.getLogId();
    if (record.key() != null && !record.key().equals(logId)) {
      emit.reject(record, logId, SOURCE, "key \"" + record.key() + "\" is not the checkpoint's logId \"" + logId + "\"");
      return;
    }
    SignatureOutcome sig = signatures.verify(c);
    WitnessCheck.Result w = null;
    List<Map.Entry<String, LogState>> unlisted = List.of();
    if (sig instanceof SignatureOutcome.Valid v) {
      if (witnessPolicy && c.getLogType() == LogType.REKOR_V2 && v.note() != null) w = witnesses.check(v.note());
      try (KeyValueIterator<String, LogState> all = states.all()) {
        unlisted = unlisted(signatures, c, all);
      }
    }
    LogView view = load(logId);
    Judgement j = judge.judge(view, new Judge.Observation(c, sig, w, unlisted), record.timestamp());
    if (j.verdict() instanceof Verdict.Malformed m) {
      emit.reject(record, logId, SOURCE, m.reason());
      return;
    }
    apply(record, logId, view, j);
    // A fork or a split view proves the log serves a second tree: the audit is told which verified head it left.
    LogState head = j.view().state();
    for (LogIncident i : j.incidents()) {
      if (i instanceof LogIncident.Fork f) {
        emit.diverged(record, c, new Divergence(f.headSize(), f.headRoot(), Findings.FORK));
      } else if (i instanceof LogIncident.SplitView && head != null) {
        emit.diverged(record, c, new Divergence(head.size(), head.root(), Findings.SPLIT_VIEW));
      }
    }
  }

  private LogView load(String logId) {
    return LogView.of(states.get(logId), incidents.get(logId));
  }

  /** Stores what changed of the view (nothing when the judge returned it unchanged) and forwards the outputs. */
  private void apply(Record<?, ?> cause, String logId, LogView before, Judgement j) {
    LogView after = j.view();
    if (after != before) {
      if (after.state() != before.state()) states.put(logId, after.state());
      if (after.incidents() != before.incidents()) incidents.put(logId, after.incidents());
    }
    for (VerifyOutput o : j.out()) {
      if (o instanceof VerifyOutput.AlertOut a) {
        emit.alert(cause, a.alert());
      } else if (o instanceof VerifyOutput.EventOut e) {
        emit.event(cause, e.event());
      } else if (o instanceof VerifyOutput.Verified v) {
        emit.verified(cause, v.checkpoint());
      }
    }
  }

  /**
   * Rekor v1: the frozen shards of the same instance that the checkpoint's active-shard list no longer names. The
   * instance is the trusted root's log URL the shards' keys belong to ({@link CheckpointSignatures#rekorV1Instance}),
   * not the hostname in the log id: two Rekor v1 servers may share a hostname (it defaults to the machine's name), and
   * one never lists the other's shards. A shard whose instance cannot be told is never reported.
   *
   * @param all every log's stored head (the iterator is not closed here)
   */
  static List<Map.Entry<String, LogState>> unlisted(CheckpointSignatures signatures, Checkpoint c,
      Iterator<KeyValue<String, LogState>> all) {
    if (c.getLogType() != LogType.REKOR_V1 || c.getActiveShards().isEmpty()) return List.of();
    Set<String> instance = signatures.rekorV1Instance(CheckpointSignatures.bytes(c.getRawNote()));
    if (instance.isEmpty()) return List.of();
    List<String> listed = c.getActiveShards().stream().map(CharSequence::toString).toList();
    List<Map.Entry<String, LogState>> gone = new ArrayList<>();
    while (all.hasNext()) {
      KeyValue<String, LogState> kv = all.next();
      if (kv.value.frozen() && !listed.contains(kv.key) && kv.key.contains(" - ")
          && !Collections.disjoint(instance, signatures.rekorV1Instance(kv.value.rawNote()))) {
        gone.add(Map.entry(kv.key, kv.value));
      }
    }
    return gone;
  }

  /** The punctuator: the judge's liveness check of every log with a head or incident state, at wall-clock now. */
  private void checkLiveness(long now) {
    Set<String> logs = new LinkedHashSet<>();
    try (KeyValueIterator<String, IncidentState> it = incidents.all()) {
      while (it.hasNext()) logs.add(it.next().key);
    }
    try (KeyValueIterator<String, LogState> it = states.all()) {
      while (it.hasNext()) logs.add(it.next().key);
    }
    for (String logId : logs) {
      LogView view = load(logId);
      Optional<Instant> end = view instanceof LogView.Growing || view instanceof LogView.Stale
          ? signatures.endOf(logId) : Optional.empty();
      apply(new Record<>(logId, null, now), logId, view, judge.tick(logId, view, end, now));
    }
  }
}
