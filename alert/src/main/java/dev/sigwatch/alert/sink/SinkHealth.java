package dev.sigwatch.alert.sink;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** The HEALTH alerts of the sinks themselves. Stateless. */
public final class SinkHealth {
  public static final String HEALTH = "HEALTH";

  private SinkHealth() {}

  /**
   * The HEALTH alert saying sink {@code name} is suspended. Its id is a hash of the sink's name and the idempotency
   * key of the message it could not deliver, so a restart that fails on the same message again raises the same
   * alert (receivers drop the repeat) while a later, separate outage raises a new one.
   *
   * @param lastError the last failure, already free of secrets
   */
  public static Alert suspended(String name, String describe, int failures, String lastError, String stuckKey,
      String resumeAfter, long atMillis) {
    return Alert.newBuilder()
        .setAlertId(id(HEALTH, "sink:" + name, "suspended", stuckKey))
        .setType(HEALTH)
        .setSeverity(Severity.HIGH)
        .setSummary(String.format(java.util.Locale.ROOT,
            "alert sink '%s' (%s) suspended after %d consecutive failed deliveries: %s; it tries again every %s",
            name, describe, failures, lastError, resumeAfter))
        .setEvidence(Map.of("sink", name, "destination", describe, "failures", Integer.toString(failures),
            "lastError", lastError, "stuckIdempotencyKey", stuckKey))
        .setCreatedAtMillis(atMillis)
        .build();
  }

  /**
   * Hex SHA-256 over the parts, newline-separated (the same construction as every other alert id); also the id of
   * the alerts raised outside the stream stages (trust changes, canaries).
   */
  public static String id(String... parts) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) md.update((byte) '\n');
      md.update(parts[i].getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
