package dev.sigwatch.ingest;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.dlq.RejectedRecords;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link IngestPoller} writes into its open transaction, each record within Kafka's limit: entries (shrunk if
 * too big, with a DLQ note), DLQ records (truncated if too big), checkpoints (a note too big for a record is noted in
 * the DLQ instead), unproven checkpoints as evidence, and the reports of failed fetches, queued by any thread and
 * written at the next commit. The position record is the poller's own. Used by the poller thread, apart from
 * {@link #failure}.
 */
final class PollerOutput {
  private static final Logger log = LoggerFactory.getLogger(PollerOutput.class);

  private final LogSource source;
  private final Topics topics;
  private final TransactionalPublisher publisher;
  private final RejectedRecords rejected;
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  PollerOutput(LogSource source, Topics topics, TransactionalPublisher publisher, RejectedRecords rejected) {
    this.source = source;
    this.topics = topics;
    this.publisher = publisher;
    this.rejected = rejected;
  }

  /** Queues the report of a failed request (any thread); written to the DLQ by {@link #drainFailures}. */
  void failure(String reason) {
    failures.add(reason);
  }

  boolean hasFailures() {
    return !failures.isEmpty();
  }

  /** Fetch failures (every attempt failed) go to the DLQ as reports; the batch itself is fetched again. */
  void drainFailures() {
    String reason;
    while ((reason = failures.poll()) != null) {
      RejectedRecord r = rejected.of("ingest:" + source.name(), reason, null, null, null,
          source.name().getBytes(StandardCharsets.UTF_8), null);
      publisher.send(topics.dlq(), r.getSource() + ":fetch", r);
    }
  }

  /**
   * Publishes a checkpoint not proven consistent with the tree ingest follows, as evidence (verify checks its
   * signature and proof), with a DLQ note. It never becomes the last published checkpoint.
   */
  void unproven(Checkpoint c) {
    publisher.trySend(topics.checkpoints(), c.getLogId(), c); // a note too big for Kafka: the DLQ note says it
    RejectedRecord r = rejected.of("ingest:" + source.name(), "checkpoint size " + c.getTreeSize()
        + " is not proven consistent with the tree ingest follows: published as evidence, ignored by ingest",
        null, null, null, c.getLogId().getBytes(StandardCharsets.UTF_8), Oversized.bytes(c.getRawNote()));
    r.setLogId(c.getLogId());
    dlq(r);
  }

  /** Publishes a checkpoint; false (and a DLQ note) if its note is too big for a Kafka record. */
  boolean checkpoint(Checkpoint c) {
    if (publisher.trySend(topics.checkpoints(), c.getLogId(), c)) return true;
    byte[] note = Oversized.bytes(c.getRawNote());
    RejectedRecord r = rejected.of("ingest:" + source.name(), "checkpoint of " + c.getLogId() + " size "
        + c.getTreeSize() + " exceeds the Kafka record limit (note of " + note.length + " bytes): not published",
        null, null, null, c.getLogId().getBytes(StandardCharsets.UTF_8), note);
    r.setLogId(c.getLogId());
    dlq(r);
    return false;
  }

  /**
   * Publishes an entry; one too big for a Kafka record is published smaller (see {@link Oversized}) and noted in the
   * DLQ with evidence and a hash of what was served. Returns false if it had to be shrunk.
   */
  @SuppressWarnings("unchecked")
  boolean entry(String key, SpecificRecord value, long index) {
    Topic<String, SpecificRecord> topic = (Topic<String, SpecificRecord>) source.entriesTopic();
    if (publisher.trySend(topic, key, value)) return true;
    SpecificRecord smaller = Oversized.shrink(value, false);
    if (!publisher.trySend(topic, key, smaller)) {
      smaller = Oversized.shrink(value, true);
      publisher.send(topic, key, smaller);
    }
    byte[] served = topic.valueSerde().serializer().serialize(topic.name(), value);
    String reason = "logIndex " + index + ": " + Oversized.describe(value, smaller, publisher.maxRecordBytes())
        + "; SHA-256 of the served record " + Oversized.sha256(served);
    log.warn("{}: {}", source.name(), reason);
    RejectedRecord r = rejected.of("ingest:" + key, reason, null, null, null, key.getBytes(StandardCharsets.UTF_8),
        Oversized.evidence(served));
    r.setLogId(key);
    r.setLogIndex(index);
    dlq(r);
    return false;
  }

  /** Sends a DLQ record; if it is too big for Kafka (a rejected entry's copy), with its value truncated and hashed. */
  void dlq(RejectedRecord r) {
    if (publisher.trySend(topics.dlq(), r.getSource(), r)) return;
    byte[] value = r.getValue() == null ? new byte[0] : Oversized.bytes(r.getValue());
    RejectedRecord cut = RejectedRecord.newBuilder(r)
        .setValue(ByteBuffer.wrap(Oversized.evidence(value)))
        .setReason(r.getReason() + " [value truncated to " + Math.min(value.length, Oversized.KEEP) + " of "
            + value.length + " bytes; SHA-256 " + Oversized.sha256(value) + "]")
        .build();
    publisher.send(topics.dlq(), cut.getSource(), cut);
  }
}
