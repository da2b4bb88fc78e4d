package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.verify.AuditState.Pending;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The full audit's alerts, with their deterministic ids, summaries and evidence: TAMPERED_ENTRIES and ENTRY_GAP, and
 * the HEALTH alerts that say why the audit cannot go on (backlog, no anchor, buffer bound, unproven anchor or
 * frontier). {@link AuditProcessor} decides when; this class only says what. Stateless and thread-safe.
 */
final class AuditAlerts {

  private AuditAlerts() {}

  /** Entries of the oldest pending checkpoint {@code p} still missing {@code ageMillis} after ingest observed it. */
  static Alert backlog(String logId, Pending p, long have, long ageMillis, Duration backlogAfter, long now) {
    String id = Findings.id(Findings.HEALTH, logId, "backlog", p.size(), p.root());
    return Findings.alert(id, Findings.HEALTH, logId, have,
        String.format(Locale.ROOT, "%s: monitor backlog: entries [%d, %d) of a checkpoint observed %s ago have not "
            + "arrived (ingest fetch errors or lag)", logId, have, p.size(), Duration.ofMillis(ageMillis)),
        Map.of("reason", "backlog", "missingFrom", Long.toString(have), "checkpointSize", Long.toString(p.size()),
            "observedAtMillis", Long.toString(p.observedAtMillis()), "backlogAfter", backlogAfter.toString()),
        now);
  }

  /** Entries {@code [expected, received)} skipped by the entry stream. */
  static Alert entryGap(String logId, long expected, long received, long at) {
    String id = Findings.id(Findings.ENTRY_GAP, logId, expected, received);
    return Findings.alert(id, Findings.ENTRY_GAP, logId, expected,
        String.format(Locale.ROOT, "%s: entries [%d, %d) are missing from the entry stream; the audit starts again "
            + "at the next anchor", logId, expected, received),
        Map.of("expectedIndex", Long.toString(expected), "receivedIndex", Long.toString(received)), at);
  }

  /** The entry at {@code index} could not anchor the audit, for {@code reason}. */
  static Alert unanchored(String logId, long index, String reason, long at) {
    String id = Findings.id(Findings.HEALTH, logId, "unanchored", index);
    return Findings.alert(id, Findings.HEALTH, logId, index, logId + ": cannot audit from entry " + index + ": " + reason,
        Map.of("reason", reason), at);
  }

  /** Unanchored entries {@code [from, to)} held past {@code bufferLimit}: dropped ({@code detail}: why). */
  static Alert heldOverBound(String logId, long from, long to, boolean hadProof, int bufferLimit, long at) {
    String reason = String.format(Locale.ROOT, "no anchor for entries [%d, %d): no verified checkpoint with a frontier "
        + "among them%s; %d leaf hashes held, over the bound of %d; the audit drops them and starts at the next anchor",
        from, to, hadProof ? " and no usable inclusion proof" : "", to - from, bufferLimit);
    return Findings.alert(Findings.id(Findings.HEALTH, logId, "unanchored", from), Findings.HEALTH, logId,
        from, logId + ": cannot audit from entry " + from + ": " + reason,
        Map.of("reason", "no anchor", "detail", reason, "bufferedFrom", Long.toString(from),
            "bufferedTo", Long.toString(to), "auditBufferLimit", Integer.toString(bufferLimit)), at);
  }

  /** Anchored entries {@code [from, to)} that no verified checkpoint covers, held past the bound: dropped. */
  static Alert suspended(String logId, long from, long to, int bufferLimit, long at) {
    String id = Findings.id(Findings.HEALTH, logId, "audit-buffer", from);
    String reason = String.format(Locale.ROOT, "no verified checkpoint covers entries [%d, %d): %d leaf hashes held, "
        + "over the bound of %d; the audit drops them and re-anchors after the next verified checkpoint", from, to,
        to - from, bufferLimit);
    return Findings.alert(id, Findings.HEALTH, logId, from, logId + ": full audit suspended: " + reason,
        Map.of("reason", "audit buffer bound", "detail", reason, "bufferedFrom", Long.toString(from),
            "bufferedTo", Long.toString(to), "auditBufferLimit", Integer.toString(bufferLimit)), at);
  }

  /** The inclusion proof the audit started from at {@code from} leads to {@code claimRoot}, not {@code c}'s root. */
  static Alert anchorDisproven(String logId, long from, byte[] claimRoot, Checkpoint c, byte[] root) {
    long size = c.getTreeSize();
    String id = Findings.id(Findings.HEALTH, logId, "anchor-disproven", from, size, claimRoot);
    String reason = String.format(Locale.ROOT, "the inclusion proof the audit started from at entry %d leads to "
        + "root %s at size %d, but the verified checkpoint of that size has root %s; the audit starts again at the "
        + "next anchor", from, Findings.hex(claimRoot), size, Findings.hex(root));
    return Findings.alert(id, Findings.HEALTH, logId, from, logId + ": " + reason,
        Map.of("reason", "anchor disproven", "detail", reason, "checkpoint", note(c)), c.getObservedAtMillis());
  }

  /** The frontier published with verified checkpoint {@code c} does not hash to its signed root ({@code why}). */
  static Alert frontierUnproven(String logId, Checkpoint c, byte[] root, String why) {
    String id = Findings.id(Findings.HEALTH, logId, "frontier", c.getTreeSize(), root);
    String reason = String.format(Locale.ROOT, "the frontier published with the verified checkpoint of size %d cannot "
        + "be proven (%s): the audit does not start there", c.getTreeSize(), why);
    return Findings.alert(id, Findings.HEALTH, logId, c.getTreeSize(), logId + ": " + reason,
        Map.of("reason", "frontier unproven", "detail", reason, "checkpoint", note(c)), c.getObservedAtMillis());
  }

  /** Held entries from {@code from} that neither an inclusion proof nor the checkpoint of {@code size} can anchor. */
  static Alert noAnchor(String logId, long from, long size, long at) {
    String reason = String.format(Locale.ROOT, "entry %d carries no inclusion proof and the verified checkpoint of size "
        + "%d no frontier to start the audit from (the audit starts at the first checkpoint that has one)", from, size);
    return Findings.alert(Findings.id(Findings.HEALTH, logId, "unanchored", from), Findings.HEALTH, logId,
        from, logId + ": cannot audit from entry " + from + ": " + reason, Map.of("reason", "no anchor", "detail", reason),
        at);
  }

  /**
   * Entries {@code [from, p.size())} audited from a proven anchor do not hash to {@code p}'s signed root: tampered.
   * With the signed frontier the evidence narrows it to a subtree or a leaf ({@link #differing}).
   */
  static Alert tampered(String logId, long from, Pending p, byte[] computed, List<byte[]> computedFrontier) {
    Map<String, String> evidence = mismatch(from, p, computed);
    long[] narrowed = differing(evidence, computedFrontier, p.frontier(), p.size(), from);
    String where = narrowed == null ? ""
        : narrowed[1] - narrowed[0] == 1 ? String.format(Locale.ROOT, " (entry %d)", narrowed[0])
        : String.format(Locale.ROOT, " (within [%d, %d))", narrowed[0], narrowed[1]);
    String id = Findings.id(Findings.TAMPERED_ENTRIES, logId, from, p.size(), p.root(), computed);
    return Findings.alert(id, Findings.TAMPERED_ENTRIES, logId, narrowed == null ? from : narrowed[0],
        String.format(Locale.ROOT, "%s: entries [%d, %d) do not hash to the signed root of size %d%s",
            logId, from, p.size(), p.size(), where), evidence, p.observedAtMillis());
  }

  /** The log event type of a mismatch explained by a fork ({@link #forkedEntries}). */
  static final String FORKED_ENTRIES = "FORKED_ENTRIES";

  /**
   * The {@link #tampered} alert {@code a} explained by a fork (or a split view): the log was proven to serve a second
   * tree, leaving its verified head {@code d}, at or above the mismatching checkpoint. A log event (the FORK alert's evidence, the alert's
   * evidence and id kept), not an alert of its own.
   */
  static LogEvent forkedEntries(Alert a, Divergence d) {
    Map<String, String> detail = new LinkedHashMap<>(a.getEvidence());
    detail.put("divergedFromSize", Long.toString(d.headSize()));
    detail.put("divergedFromRoot", Findings.hex(d.headRoot()));
    detail.put("explainedBy", d.incidentType());
    detail.put("withheldAlertId", a.getAlertId());
    return Findings.event(FORKED_ENTRIES, a.getLogId(), rangeEnd(a), java.util.HexFormat.of().parseHex(a.getEvidence().get("computedRoot")),
        a.getCreatedAtMillis(), detail);
  }

  /** The end of the range a {@link #tampered} alert names. */
  static long rangeEnd(Alert tampered) {
    return Long.parseLong(tampered.getEvidence().get("rangeEnd"));
  }

  /** Where a {@link #tampered} alert narrowed the mismatch to (" (entry N)", " (within [a, b))"), or "". */
  static String where(Alert tampered) {
    Map<String, String> ev = tampered.getEvidence();
    if (!ev.containsKey("differingFrom")) return "";
    long from = Long.parseLong(ev.get("differingFrom"));
    long to = Long.parseLong(ev.get("differingTo"));
    return to - from == 1 ? String.format(Locale.ROOT, " (entry %d)", from)
        : String.format(Locale.ROOT, " (within [%d, %d))", from, to);
  }

  /** The same mismatch from an anchor no signed root proves: HEALTH, never a tamper claim. */
  static Alert anchorUnproven(String logId, long from, Pending p, byte[] computed, long claimSize, byte[] claimRoot) {
    Map<String, String> evidence = mismatch(from, p, computed);
    evidence.put("reason", "anchor unproven");
    evidence.put("anchorProofSize", Long.toString(claimSize));
    if (claimRoot != null) evidence.put("anchorProofRoot", Findings.hex(claimRoot));
    String id = Findings.id(Findings.HEALTH, logId, "anchor-unproven", from, p.size(), p.root(), computed);
    return Findings.alert(id, Findings.HEALTH, logId, from, String.format(Locale.ROOT,
        "%s: cannot prove entries [%d, %d): they do not hash to the signed root of size %d from the frontier the "
            + "audit started with at %d, which no signed root proves (inclusion proof to size %d); tampered entries "
            + "and a wrong proof look alike here, so no tamper is claimed; the audit starts again at the next anchor",
        logId, from, p.size(), p.size(), from, claimSize), evidence, p.observedAtMillis());
  }

  private static Map<String, String> mismatch(long from, Pending p, byte[] computed) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("rangeStart", Long.toString(from));
    evidence.put("rangeEnd", Long.toString(p.size()));
    evidence.put("signedRoot", Findings.hex(p.root()));
    evidence.put("computedRoot", Findings.hex(computed));
    evidence.put("checkpoint", new String(p.rawNote(), StandardCharsets.UTF_8));
    return evidence;
  }

  private static String note(Checkpoint c) {
    return new String(CheckpointSignatures.bytes(c.getRawNote()), StandardCharsets.UTF_8);
  }

  /**
   * With the signed tree's frontier, narrows a mismatch to the leftmost perfect subtree whose computed hash differs
   * (a single leaf: the served and the signed leaf hash go into the evidence). Returns {@code [from, to)}, or null
   * without a frontier.
   */
  private static long[] differing(Map<String, String> evidence, List<byte[]> computed, List<byte[]> signed, long size,
      long auditedFrom) {
    if (signed.isEmpty() || computed.size() != signed.size()) return null;
    long offset = 0;
    int k = 0;
    for (int bit = 63; bit >= 0; bit--) {
      long len = 1L << bit;
      if ((size & len) == 0) continue;
      if (!Arrays.equals(computed.get(k), signed.get(k))) {
        long from = Math.max(offset, auditedFrom);
        long to = offset + len;
        evidence.put("differingFrom", Long.toString(from));
        evidence.put("differingTo", Long.toString(to));
        if (len == 1) {
          evidence.put("leafIndex", Long.toString(offset));
          evidence.put("servedLeafHash", Findings.hex(computed.get(k)));
          evidence.put("signedLeafHash", Findings.hex(signed.get(k)));
        }
        return new long[] {from, to};
      }
      offset += len;
      k++;
    }
    return null;
  }
}
