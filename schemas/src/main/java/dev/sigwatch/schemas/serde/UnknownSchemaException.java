package dev.sigwatch.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record written with a schema this release does not know (its single-object fingerprint is not in the shipped
 * history): version skew between stages, e.g. a newer ingest writing for an older match. Not bad input: a stage that
 * skips such records is blind, so the DLQ handler raises an alert and counts them.
 */
public final class UnknownSchemaException extends SerializationException {
  private static final long serialVersionUID = 1L;
  private final long fingerprint;

  public UnknownSchemaException(String message, long fingerprint) {
    super(message);
    this.fingerprint = fingerprint;
  }

  /** The writer schema's CRC-64-AVRO fingerprint. */
  public long fingerprint() {
    return fingerprint;
  }
}
