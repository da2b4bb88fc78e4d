package dev.sigwatch.deploy.trust;

import dev.sigwatch.core.trust.TrustChange;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The alerts of the trust state itself: TRUST_CHANGED (one per change) and HEALTH (refresh failing). Stateless. */
public final class TrustAlerts {
  /**
   * A log key, CA, CT log, shard or read URL was added, removed or changed in the trust state sigwatch follows.
   * MEDIUM for the trusted root (a key or CA sigwatch now trusts or no longer trusts: expected at a rotation, and
   * exactly what a compromised TUF repository would do), LOW for the signing and monitor configs (where to read).
   */
  public static final String TRUST_CHANGED = "TRUST_CHANGED";
  public static final String HEALTH = "HEALTH";

  private TrustAlerts() {}

  /**
   * The alert for one change. Its id is a hash of the change (document, item, subject, kind, before, after), so the
   * same change seen again (a restart that refreshes from the same older cache) is the same alert.
   */
  public static Alert changed(String repository, TrustChange c, long atMillis) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("repository", repository);
    evidence.put("document", c.document());
    evidence.put("item", c.item());
    evidence.put("subject", c.subject());
    evidence.put("change", c.kind().name());
    evidence.put("before", c.before());
    evidence.put("after", c.after());
    return Alert.newBuilder()
        .setAlertId(id(TRUST_CHANGED, c.document(), c.item(), c.subject(), c.kind().name(), c.before(), c.after()))
        .setType(TRUST_CHANGED)
        .setSeverity(c.document().equals(dev.sigwatch.core.trust.TrustDiff.TRUSTED_ROOT) ? Severity.MEDIUM : Severity.LOW)
        .setLogId(c.item().endsWith("log") || c.item().equals("rekorTlogUrl") || c.item().equals("rekorLog")
            ? c.subject() : null)
        .setSummary("trust state changed (" + repository + "): " + c.summary())
        .setEvidence(evidence)
        .setCreatedAtMillis(atMillis)
        .build();
  }

  /**
   * HEALTH: refreshing from {@code repository} has failed since {@code since}; the last good state is in use. The id
   * names the episode (its first failure), so one outage is one alert.
   */
  public static Alert refreshFailing(String repository, Instant since, Instant lastGood, String lastError,
                                     long atMillis) {
    return Alert.newBuilder()
        .setAlertId(id(HEALTH, "trust:" + repository, "refresh failing", Long.toString(since.toEpochMilli())))
        .setType(HEALTH)
        .setSeverity(Severity.HIGH)
        .setSummary("the trust state cannot be refreshed from TUF repository " + repository + " since " + since
            + " (last good state from " + lastGood + " stays in use; key rotations and new shards after it are not"
            + " followed): " + lastError)
        .setEvidence(Map.of("repository", repository, "failingSince", since.toString(), "lastGood", lastGood.toString(),
            "lastError", lastError))
        .setCreatedAtMillis(atMillis)
        .build();
  }

  static String id(String... parts) {
    return dev.sigwatch.alert.sink.SinkHealth.id(parts);
  }
}
