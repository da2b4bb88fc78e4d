package dev.sigwatch.ingest;

import dev.sigwatch.schemas.RejectedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * One log index as fetched: an entry to publish, an entry to publish that does not match what the log claims for it
 * (published as served, plus a DLQ note), or an entry that is malformed as served (to the DLQ only).
 */
public sealed interface Fetched permits Fetched.Entry, Fetched.Mismatched, Fetched.Rejected {
  /** The entry's position in the source's index space (Rekor v1: the virtual logIndex). */
  long index();

  /** A well-formed entry: published under {@code key} to the source's entries topic. */
  record Entry(long index, String key, SpecificRecord value) implements Fetched {}

  /**
   * Served at {@code index} with an anomaly: not what the log claims it is (Rekor v1: its body does not hash to its
   * UUID's leaf hash; its inclusion proof names another index), or with parts the tree does not cover unusable (CT:
   * malformed {@code extra_data}). Published as served, so the audit appends its leaf (and proves any tampering
   * against the signed root) and match sees it: a leaf is never lost. The anomaly is noted in the DLQ ({@code note},
   * with the reason) and counted; the position moves past it.
   */
  record Mismatched(long index, String key, SpecificRecord value, RejectedRecord note) implements Fetched {
    public Mismatched {
      if (key == null || value == null || note == null) throw new IllegalArgumentException("key, value and note must not be null");
    }
  }

  /** Malformed as served: published to the DLQ (and counted), and the position moves past it. */
  record Rejected(long index, RejectedRecord record) implements Fetched {}
}
