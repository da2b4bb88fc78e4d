package dev.sigwatch.verify;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A log proven to have left its verified head: the checkpoint processor judged a validly signed checkpoint whose
 * consistency proof from the head (or from an earlier verified size) fails, and raised FORK. It travels to the full
 * audit with that forked checkpoint, on the verified-checkpoints repartition, as two record headers (the head's size
 * and root), so the audit knows that entries the log serves from now on may come from the other tree: a range that no
 * longer hashes to a verified root at or below the head is the fork's consequence (already alerted, CRITICAL), not a
 * second incident.
 *
 * @param headSize the verified head's size
 * @param headRoot the verified head's root
 */
record Divergence(long headSize, byte[] headRoot) {
  static final String SIZE_HEADER = "sigwatch.diverged.size";
  static final String ROOT_HEADER = "sigwatch.diverged.root";

  Divergence {
    headRoot = headRoot.clone();
  }

  Headers headers() {
    Headers h = new RecordHeaders();
    h.add(SIZE_HEADER, Long.toString(headSize).getBytes(StandardCharsets.US_ASCII));
    h.add(ROOT_HEADER, headRoot.clone());
    return h;
  }

  /** The divergence the headers carry, or null if they carry none (an ordinary verified checkpoint) or a bad one. */
  static Divergence of(Headers headers) {
    Header size = headers.lastHeader(SIZE_HEADER);
    Header root = headers.lastHeader(ROOT_HEADER);
    if (size == null || root == null || size.value() == null || root.value() == null) return null;
    try {
      return new Divergence(Long.parseLong(new String(size.value(), StandardCharsets.US_ASCII)), root.value());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
