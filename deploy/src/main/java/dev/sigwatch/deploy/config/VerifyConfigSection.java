package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.verify.VerifySettings;
import dev.sigwatch.verify.WitnessPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code verify:} — settings of the verify stage.
 *
 * @param staleAfter ISO-8601 duration ({@code PT1H}); a log without checkpoint progress for this long, or whose signed
 *     timestamp is older, is reported stale. Default one hour (see {@link VerifySettings#DEFAULT_STALE_AFTER}).
 * @param witnesses C2SP vkeys ({@code name+keyid+base64}) of the witnesses of Rekor v2 checkpoints
 * @param witnessThreshold how many of them must cosign; default 0 (policy off)
 * @param applicationId Kafka Streams application id; default {@code sigwatch-verify}
 * @param backlogAfter ISO-8601 duration; a verified checkpoint whose entries have not all arrived this long after it
 *     was observed raises a HEALTH alert (the monitor's own fetch errors or lag). Default: {@code staleAfter}.
 * @param incidentQuiet ISO-8601 duration; an open incident (split view, rollback, fork, bad signatures in a row) with
 *     no new conflicting observation for this long is closed with INCIDENT_RESOLVED; until then repeats are events,
 *     not new alerts. Default 10 minutes.
 * @param unprovenAfter ISO-8601 duration; a checkpoint whose consistency with the trusted head is unproven never
 *     becomes the head (ingest asks for the proof again); if the log's newest checkpoint stays unproven this long, one
 *     UNPROVEN_CONSISTENCY alert says verification is stuck. Default 10 minutes.
 */
public record VerifyConfigSection(
    @JsonProperty("staleAfter") String staleAfter,
    @JsonProperty("witnesses") List<String> witnesses,
    @JsonProperty("witnessThreshold") Integer witnessThreshold,
    @JsonProperty("applicationId") String applicationId,
    @JsonProperty("backlogAfter") String backlogAfter,
    @JsonProperty("incidentQuiet") String incidentQuiet,
    @JsonProperty("unprovenAfter") String unprovenAfter) {

  public static final VerifyConfigSection DEFAULT = new VerifyConfigSection(null, null, null, null, null, null, null);

  public VerifyConfigSection {
    witnesses = witnesses == null ? List.of() : List.copyOf(witnesses);
    witnessThreshold = witnessThreshold == null ? 0 : witnessThreshold;
  }

  /**
   * The stage's settings over {@code trustedRoot}, with the {@code origin} of each configured log (a checkpoint read
   * from its URL must carry that origin); errors name the setting to fix.
   */
  public VerifySettings toSettings(TrustedRoot trustedRoot, List<LogSettings> logs) throws ConfigException {
    java.util.Map<String, String> origins = new java.util.HashMap<>();
    for (LogSettings l : logs) {
      if (l.origin() != null && !l.origin().isBlank()) origins.put(l.url(), l.origin().strip());
    }
    return toSettings(trustedRoot).withOrigins(origins);
  }

  /** The stage's settings over {@code trustedRoot}; errors name the setting to fix. */
  public VerifySettings toSettings(TrustedRoot trustedRoot) throws ConfigException {
    Duration stale = duration("staleAfter", staleAfter);
    Duration backlog = duration("backlogAfter", backlogAfter);
    Duration quiet = duration("incidentQuiet", incidentQuiet);
    Duration unproven = duration("unprovenAfter", unprovenAfter);
    WitnessPolicy policy;
    try {
      policy = WitnessPolicy.ofVkeys(witnesses, witnessThreshold);
    } catch (NoteFormatException | IllegalArgumentException e) {
      throw new ConfigException("verify.witnesses / verify.witnessThreshold: " + e.getMessage());
    }
    try {
      return new VerifySettings(trustedRoot, policy, stale, null, applicationId, backlog, quiet, null, 0, unproven);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("verify: " + e.getMessage());
    }
  }

  private static Duration duration(String key, String value) throws ConfigException {
    if (value == null) return null;
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException("verify." + key + " must be an ISO-8601 duration like PT1H, but was: " + value);
    }
  }
}
