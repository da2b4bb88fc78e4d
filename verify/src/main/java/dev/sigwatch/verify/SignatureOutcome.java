package dev.sigwatch.verify;

import dev.sigwatch.core.checkpoint.SignedNote;

/** The result of checking a checkpoint's signature against the trusted root. */
sealed interface SignatureOutcome {

  /**
   * The log's signature verified.
   *
   * @param note the parsed note, or null for an RFC 6962 get-sth JSON
   * @param keyExpired the key verified but its validity period had ended when the checkpoint was observed: only a
   *     frozen shard may still show such a checkpoint
   * @param keyId which key verified it ({@code name+keyid} or the CT log URL)
   */
  record Valid(SignedNote note, boolean keyExpired, String keyId) implements SignatureOutcome {}

  /** A signature from a trusted key did not verify. */
  record Bad(String reason) implements SignatureOutcome {}

  /** No trusted key (valid at that time) signed it, or the trusted root does not know the log. */
  record UnknownKey(String reason) implements SignatureOutcome {}

  /** The record is not a well-formed checkpoint, or its fields disagree with its note: bad input for the DLQ. */
  record Malformed(String reason) implements SignatureOutcome {}
}
