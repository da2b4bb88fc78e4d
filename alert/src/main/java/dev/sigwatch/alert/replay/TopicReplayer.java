package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.store.IdentityScan;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.parse.CtEntries;
import dev.sigwatch.match.parse.IdentityEvents;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a watchlist over the raw entry topics ({@code sigwatch.rekor.entries}, {@code sigwatch.ct.entries}) where
 * they are still retained:
 * <pre>
 *   a plain consumer, partitions assigned (no consumer group, nothing committed: the live stages' groups are never
 *   touched) ==> from each partition's start (its first offset, or offsetsForTimes(--from)) to its end offset when the
 *   replay starts ==> the entry decoded by the match stage's own parsers (IdentityEvents / CtEntries) ==> the
 *   watchlist over each identity event ==> REPLAY_MATCH alerts ==> the replay's output
 * </pre>
 * Time bounds are the records' Kafka timestamps (when ingest read the entry): {@code offsetsForTimes} finds the start
 * and the end, and each record is checked again (timestamps need not grow within a partition). Index bounds need a
 * log ({@link IdentityScan#logId}) and are checked per entry: the whole retained range is read. A record that cannot be
 * decoded or parsed, or that ingest truncated, is counted and skipped with its reason ({@link Outcome#malformed});
 * a replay never stops on one. Not resumable: a stopped replay is run again (its alerts have the same ids).
 *
 * <p>Not thread-safe: one run per instance at a time.
 */
public final class TopicReplayer {
  private static final Logger log = LoggerFactory.getLogger(TopicReplayer.class);
  /** Distinct malformed reasons kept for the summary; the rest are counted under {@link #OTHER_REASONS}. */
  static final int MAX_REASONS = 20;
  static final String OTHER_REASONS = "other reasons";
  static final String VERIFIED = "the watchlist rule, against the identities the match stage's parser extracts from "
      + "the raw entry (read again from its retained Kafka record): SANs, OIDC issuer, Fulcio extensions, key and "
      + "certificate fingerprints";
  static final String NOT_VERIFIED = "the certificate chain to a Fulcio CA and the entry's inclusion in a signed tree "
      + "(a replay of the entry topics re-runs neither the chain check nor verify's audit): look for the live "
      + "IDENTITY_MATCH or LOOKALIKE alert of the same entry, or fetch the entry from the log";

  /** Told after each poll: records read so far (in range or not), records in all the partitions' ranges, matches. */
  @FunctionalInterface
  public interface Progress {
    void records(long read, long total, long matches);
  }

  /**
   * How a run ended.
   *
   * @param read records read from the topics' ranges
   * @param entries entries in the bounds, decoded and matched
   * @param malformed records skipped: not decodable, not parsable, truncated at ingest
   * @param reasons malformed records by reason (at most {@link #MAX_REASONS} + 1), with where the first one was
   * @param notes what the summary should say besides (a topic that does not exist, ...)
   */
  public record Outcome(ReplayRun.State state, long read, long total, long entries, long matches, long malformed,
      Map<String, Malformed> reasons, List<String> notes, String error) {}

  /** Malformed records of one reason: how many, and the first one's topic, partition and offset. */
  public record Malformed(long count, String first) {}

  private final Map<String, Object> clientProperties;
  private final Topics topics;

  /** @param clientProperties the cluster's client properties (bootstrap servers, security) */
  public TopicReplayer(Map<String, Object> clientProperties, Topics topics) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.topics = topics;
  }

  /**
   * Replays {@code watchlist} over the entry topics within {@code scan}, writing REPLAY_MATCH alerts (named {@code
   * name}) to {@code output}. Never throws for a failure of Kafka or the output: the outcome is FAILED with the reason.
   *
   * @param cancelled polled between polls: true ends the run CANCELLED
   */
  public Outcome run(String name, Watchlist watchlist, IdentityScan scan, ReplayOutput output, Progress progress,
      BooleanSupplier cancelled) {
    if ((scan.fromIndex() != null || scan.toIndex() != null) && scan.logId() == null) {
      throw new IllegalArgumentException("an index bound (--from/--to digits) needs --log: indexes are per log");
    }
    Run r = new Run(name, watchlist, scan);
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // no group: nothing is committed, no live group is joined
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sigwatch-replay-" + name);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> end = new HashMap<>();
      Map<TopicPartition, Long> start = new HashMap<>();
      Set<String> existing = consumer.listTopics(Duration.ofSeconds(60)).keySet();
      for (Topic<String, ?> t : List.of(topics.rekorEntries(), topics.ctEntries())) {
        if (!existing.contains(t.name())) {
          r.notes.add("topic " + t.name() + " does not exist: nothing read from it");
          continue;
        }
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(t.name(), Duration.ofSeconds(60))) {
          parts.add(new TopicPartition(p.topic(), p.partition()));
        }
        range(consumer, parts, scan, start, end);
      }
      long total = 0;
      List<TopicPartition> todo = new ArrayList<>();
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        long n = e.getValue() - start.get(e.getKey());
        if (n > 0) {
          total += n;
          todo.add(e.getKey());
        }
      }
      r.total = total;
      log.info("replay {}: {} records to read from {} partitions of the entry topics", name, total, todo.size());
      consumer.assign(todo);
      for (TopicPartition p : todo) consumer.seek(p, start.get(p));
      progress.records(0, total, 0);
      List<TopicPartition> open = new ArrayList<>(todo);
      while (!open.isEmpty()) {
        if (cancelled.getAsBoolean()) {
          log.info("replay {}: cancelled after {} of {} records", name, r.read, total);
          return r.outcome(ReplayRun.State.CANCELLED, null);
        }
        List<Alert> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          if (rec.offset() >= end.get(tp)) continue; // appended since the replay started
          r.read++;
          r.record(rec, alerts);
        }
        for (TopicPartition tp : List.copyOf(open)) {
          if (consumer.position(tp) >= end.get(tp)) {
            open.remove(tp);
            consumer.pause(List.of(tp));
          }
        }
        output.write(alerts);
        r.matches += alerts.size();
        progress.records(r.read, total, r.matches);
      }
      log.info("replay {}: done, {} records, {} entries in bounds, {} matches, {} malformed", name, r.read, r.entries,
          r.matches, r.malformed);
      return r.outcome(ReplayRun.State.DONE, null);
    } catch (IOException | RuntimeException e) {
      log.warn("replay {}: failed after {} records: {}", name, r.read, e.toString());
      return r.outcome(ReplayRun.State.FAILED, RejectedRecords.reason(e));
    }
  }

  /** Each partition's [start, end): from its first offset (or the first at/after scan.from) to its end (or scan.to). */
  private static void range(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> parts, IdentityScan scan,
      Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> first = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> last = consumer.endOffsets(parts);
    Map<TopicPartition, OffsetAndTimestamp> from = scan.from() == null ? Map.of() : consumer.offsetsForTimes(
        times(parts, scan.from().toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> to = scan.to() == null ? Map.of() : consumer.offsetsForTimes(
        times(parts, scan.to().toEpochMilli()));
    for (TopicPartition p : parts) {
      long s = first.get(p);
      long e = last.get(p);
      if (scan.from() != null) {
        OffsetAndTimestamp o = from.get(p);
        s = o == null ? e : Math.max(s, o.offset()); // null: no record at or after the time
      }
      if (scan.to() != null) {
        OffsetAndTimestamp o = to.get(p);
        if (o != null) e = Math.min(e, o.offset());
      }
      start.put(p, s);
      end.put(p, Math.max(s, e));
    }
  }

  private static Map<TopicPartition, Long> times(List<TopicPartition> parts, long millis) {
    Map<TopicPartition, Long> m = new HashMap<>();
    for (TopicPartition p : parts) m.put(p, millis);
    return m;
  }

  /** One run's counters and decoding. */
  private final class Run {
    final String name;
    final Watchlist watchlist;
    final IdentityScan scan;
    final Deserializer<RekorEntry> rekor = topics.rekorEntries().valueSerde().deserializer();
    final Deserializer<CtEntry> ct = topics.ctEntries().valueSerde().deserializer();
    final Map<String, Malformed> reasons = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    long read;
    long total;
    long entries;
    long matches;
    long malformed;

    Run(String name, Watchlist watchlist, IdentityScan scan) {
      this.name = name;
      this.watchlist = watchlist;
      this.scan = scan;
    }

    /** Decodes, bounds, parses and matches one record; a bad one is counted with its reason. */
    void record(ConsumerRecord<byte[], byte[]> rec, List<Alert> alerts) {
      if (scan.from() != null && rec.timestamp() < scan.from().toEpochMilli()) return;
      if (scan.to() != null && rec.timestamp() >= scan.to().toEpochMilli()) return;
      if (rec.value() == null) {
        malformed(rec, "an empty record (no value)");
        return;
      }
      boolean isRekor = rec.topic().equals(topics.rekorEntries().name());
      SpecificRecord value;
      try {
        value = isRekor ? rekor.deserialize(rec.topic(), rec.value()) : ct.deserialize(rec.topic(), rec.value());
      } catch (RuntimeException | StackOverflowError e) {
        malformed(rec, "not a " + (isRekor ? "RekorEntry" : "CtEntry") + " record: " + RejectedRecords.reason(e));
        return;
      }
      String logId = isRekor ? ((RekorEntry) value).getLogId() : ((CtEntry) value).getLogId();
      long index = isRekor ? ((RekorEntry) value).getLogIndex() : ((CtEntry) value).getIndex();
      if (scan.logId() != null && !scan.logId().equals(logId)) return;
      if (scan.fromIndex() != null && index < scan.fromIndex()) return;
      if (scan.toIndex() != null && index >= scan.toIndex()) return;
      entries++;
      Long truncated = isRekor ? ((RekorEntry) value).getServedBytes() : ((CtEntry) value).getServedBytes();
      if (truncated != null) {
        malformed(rec, "truncated at ingest (the entry exceeds the Kafka record size limit): its identities cannot be "
            + "read from the topic");
        return;
      }
      List<IdentityEvent> events;
      try {
        if (isRekor) {
          IdentityEvents.RekorIdentities ids = IdentityEvents.identities((RekorEntry) value);
          events = ids.events();
          for (String bad : ids.badSigners()) malformed(rec, "unreadable signer (the others are matched): " + bad);
        } else {
          events = List.of(CtEntries.parse((CtEntry) value).event());
        }
      } catch (Exception | StackOverflowError | OutOfMemoryError e) {
        malformed(rec, "parsing: " + RejectedRecords.reason(e));
        return;
      }
      for (IdentityEvent e : events) {
        for (RuleMatch m : watchlist.match(e)) alerts.add(alert(name, rec, e, m));
      }
    }

    void malformed(ConsumerRecord<?, ?> rec, String reason) {
      malformed++;
      String key = reasons.containsKey(reason) || reasons.size() < MAX_REASONS ? reason : OTHER_REASONS;
      String at = rec.topic() + "-" + rec.partition() + "@" + rec.offset();
      reasons.merge(key, new Malformed(1, at), (a, b) -> new Malformed(a.count() + 1, a.first()));
    }

    Outcome outcome(ReplayRun.State state, String error) {
      return new Outcome(state, read, total, entries, matches, malformed, Map.copyOf(reasons), List.copyOf(notes),
          error);
    }
  }

  /**
   * The REPLAY_MATCH alert of {@code m} on {@code e}, read from {@code rec}. Its id is that of a store replay of the
   * same fact ({@link Alerts#alertId} over REPLAY_MATCH, log, index and rule), so outputs of both de-duplicate.
   */
  static Alert alert(String replay, ConsumerRecord<?, ?> rec, IdentityEvent e, RuleMatch m) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("replay", replay);
    evidence.put("replaySource", "topic " + rec.topic() + " partition " + rec.partition() + " offset "
        + rec.offset());
    evidence.put("why", m.why());
    evidence.put("ruleType", m.type().name());
    evidence.put("verified", VERIFIED);
    evidence.put("notVerified", NOT_VERIFIED);
    evidence.put("recordTimestamp", java.time.Instant.ofEpochMilli(rec.timestamp()).toString());
    String where = switch (e.getSource()) {
      case CT -> "certificate issued (CT " + e.getLogId() + ")";
      default -> "signed in " + e.getLogId();
    };
    Alert a = Alerts.about(ReplayAlerts.REPLAY_MATCH, Severity.MEDIUM, e, m.ruleId(), m.identity(),
        "replay " + replay + ": " + where + " #" + e.getLogIndex() + " for " + m.identity()
            + " (from the entry topics; chain not re-verified)", null, evidence);
    if (e.getCertFingerprint() != null) {
      Map<String, String> cert = new LinkedHashMap<>(a.getCertificate());
      cert.put("chain", "not re-verified (replay of the raw entry topics)");
      a.setCertificate(cert);
    }
    return a;
  }
}
