package dev.sigwatch.verify;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Builds the verify stage's alerts and log events with deterministic ids: SHA-256 of the type, the log and the
 * facts that identify the incident (sizes, indexes, roots), so a replay or a restart produces the same id and the
 * stage's dedup store suppresses the second copy. Stateless and thread-safe.
 */
public final class Findings {

  public static final String FORK = "FORK";
  public static final String SPLIT_VIEW = "SPLIT_VIEW";
  public static final String ROLLBACK = "ROLLBACK";
  public static final String BAD_SIGNATURE = "BAD_SIGNATURE";
  public static final String UNKNOWN_KEY = "UNKNOWN_KEY";
  public static final String TAMPERED_ENTRIES = "TAMPERED_ENTRIES";
  public static final String ENTRY_GAP = "ENTRY_GAP";
  public static final String SHARD_CHANGED = "SHARD_CHANGED";
  public static final String STALE_LOG = "STALE_LOG";
  public static final String WITNESS_POLICY = "WITNESS_POLICY";
  public static final String HEALTH = "HEALTH";
  /** The log's newest checkpoint stayed unproven consistent with the trusted head past the bound: verification stuck. */
  public static final String UNPROVEN_CONSISTENCY = "UNPROVEN_CONSISTENCY";

  private static final HexFormat HEX = HexFormat.of();

  private Findings() {}

  /** The deterministic id of a fact: hex SHA-256 over its type, log and identifying parts, newline-separated. */
  public static String id(String type, String logId, Object... parts) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    md.update(type.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(logId.getBytes(StandardCharsets.UTF_8));
    for (Object p : parts) {
      md.update((byte) '\n');
      String s = p instanceof byte[] b ? HEX.formatHex(b) : String.valueOf(p);
      md.update(s.getBytes(StandardCharsets.UTF_8));
    }
    return HEX.formatHex(md.digest());
  }

  /** The severity of an integrity alert type. */
  public static Severity severity(String type) {
    return switch (type) {
      case FORK, SPLIT_VIEW, ROLLBACK, BAD_SIGNATURE, TAMPERED_ENTRIES, SHARD_CHANGED -> Severity.CRITICAL;
      case UNKNOWN_KEY, ENTRY_GAP, WITNESS_POLICY, UNPROVEN_CONSISTENCY -> Severity.HIGH;
      case STALE_LOG -> Severity.MEDIUM;
      default -> Severity.LOW;
    };
  }

  /**
   * An integrity alert.
   *
   * @param id from {@link #id}
   * @param index the tree size or entry index the alert is about, or null
   * @param atMillis event time of the fact (checkpoint observation, entry observation)
   */
  public static Alert alert(String id, String type, String logId, Long index, String summary,
      Map<String, String> evidence, long atMillis) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setType(type)
        .setSeverity(severity(type))
        .setLogId(logId)
        .setLogIndex(index)
        .setSummary(summary)
        .setEvidence(Map.copyOf(evidence))
        .setCreatedAtMillis(atMillis)
        .build();
  }

  /** A log event; its id is {@link #id} over type, log, size and root. */
  public static LogEvent event(String type, String logId, Long size, byte[] root, long atMillis,
      Map<String, String> detail) {
    return LogEvent.newBuilder()
        .setEventId(id(type, logId, size, root == null ? "" : root))
        .setLogId(logId)
        .setType(type)
        .setTreeSize(size)
        .setRootHash(root == null ? null : java.nio.ByteBuffer.wrap(root.clone()))
        .setAtMillis(atMillis)
        .setDetail(Map.copyOf(detail))
        .build();
  }

  /** Lowercase hex. */
  public static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
