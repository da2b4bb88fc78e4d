package dev.sigwatch.ingest;

import dev.sigwatch.schemas.RejectedRecord;
import org.apache.avro.specific.SpecificRecord;

/** One log index as fetched: an entry to publish, or an entry that is malformed as served (to the DLQ). */
public sealed interface Fetched permits Fetched.Entry, Fetched.Rejected {
  /** The entry's position in the source's index space (Rekor v1: the virtual logIndex). */
  long index();

  /** A well-formed entry: published under {@code key} to the source's entries topic. */
  record Entry(long index, String key, SpecificRecord value) implements Fetched {}

  /** Malformed as served: published to the DLQ (and counted), and the position moves past it. */
  record Rejected(long index, RejectedRecord record) implements Fetched {}
}
