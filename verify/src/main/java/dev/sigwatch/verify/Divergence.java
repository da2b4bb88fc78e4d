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
 * A SPLIT_VIEW (another signed root at a size the audit verified, or a smaller tree not a prefix of it) is a second
 * tree too, and travels the same way.
 *
 * @param headSize the verified head's size
 * @param headRoot the verified head's root
 * @param incidentType the incident that proved it (FORK, SPLIT_VIEW)
 */
record Divergence(long headSize, byte[] headRoot, String incidentType) {
  static final String SIZE_HEADER = "sigwatch.diverged.size";
  static final String ROOT_HEADER = "sigwatch.diverged.root";
  static final String TYPE_HEADER = "sigwatch.diverged.type";

  Divergence {
    headRoot = headRoot.clone();
  }

  Headers headers() {
    Headers h = new RecordHeaders();
    h.add(SIZE_HEADER, Long.toString(headSize).getBytes(StandardCharsets.US_ASCII));
    h.add(ROOT_HEADER, headRoot.clone());
    h.add(TYPE_HEADER, incidentType.getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  /** The divergence the headers carry, or null if they carry none (an ordinary verified checkpoint) or a bad one. */
  static Divergence of(Headers headers) {
    Header size = headers.lastHeader(SIZE_HEADER);
    Header root = headers.lastHeader(ROOT_HEADER);
    Header type = headers.lastHeader(TYPE_HEADER);
    if (size == null || root == null || size.value() == null || root.value() == null) return null;
    try {
      return new Divergence(Long.parseLong(new String(size.value(), StandardCharsets.US_ASCII)), root.value(),
          type == null || type.value() == null ? Findings.FORK : new String(type.value(), StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
