package dev.sigwatch.verify;

import dev.sigwatch.core.trust.TrustedRoot;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the verify stage.
 *
 * @param trustedRoot the logs and keys to trust (key id + validity period)
 * @param witnessPolicy cosignatures required on Rekor v2 checkpoints
 * @param staleAfter a log whose checkpoint has not grown for this long, or whose signed timestamp is older than
 *     this, is stale. Rekor and CT publish a new checkpoint every few seconds to minutes, so the default of one
 *     hour catches a stopped log the same hour without alerting on a quiet night.
 * @param livenessInterval how often (wall-clock) staleness is checked
 * @param applicationId the Kafka Streams application id (also the consumer group and the state-dir name)
 * @param backlogAfter the monitor's own health: a verified checkpoint whose entries have not all arrived this long
 *     after ingest observed it (fetch errors, a stalled or lagging ingest) raises one HEALTH alert per stuck
 *     checkpoint. Defaults to {@code staleAfter}: the monitor holds itself to the bound it holds the logs to.
 * @param incidentQuiet an incident episode (split view, rollback, fork; bad signatures from one signer; witness
 *     policy failures) raises one alert; it closes with an INCIDENT_RESOLVED event once no conflicting checkpoint
 *     was observed for this long, and a conflict after that is a new incident with a new alert. Logs are polled
 *     every few seconds, so the default of {@value #DEFAULT_INCIDENT_QUIET_MINUTES} minutes is dozens of clean
 *     polls: long enough that a view served to some requests only stays one incident, short enough that a new
 *     incident the same day alerts.
 * @param auditBufferLimit the most leaf hashes (32 bytes each) the full audit holds per log for entries that no
 *     verified checkpoint covers yet. Ingest fetches entries only up to a checkpoint it read, so the buffer stays small
 *     while checkpoints verify; when they stop verifying (a key rotation the trusted root does not know yet) it would
 *     grow by ~1 GB a day at public Rekor's rate. Past the limit the audit drops what it holds, raises a HEALTH alert
 *     and re-anchors at the first entry after the next verified checkpoint. Default {@value #DEFAULT_AUDIT_BUFFER_LIMIT}
 *     (32 MiB, over an hour of public Rekor v1)
 * @param origins configured checkpoint origins ({@code logs[].origin}) by log URL: a checkpoint read from that URL
 *     must carry that origin (Rekor v1: that hostname), whichever trusted key signed it (see {@link LogBinding})
 * @param currentRoot where the trusted root comes from while the stage runs (TUF refreshes it: a key rotation after
 *     startup verifies without a restart); null: {@code trustedRoot} for good. Read at every checkpoint, so it must be
 *     cheap and thread-safe (an atomic reference).
 */
public record VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
    Duration livenessInterval, String applicationId, Duration backlogAfter, Duration incidentQuiet,
    java.util.Map<String, String> origins, int auditBufferLimit, Duration unprovenAfter,
    java.util.function.Supplier<TrustedRoot> currentRoot) {

  /** Default of {@code unprovenAfter}: a checkpoint unproven consistent with the trusted head this long alerts. */
  public static final long DEFAULT_UNPROVEN_AFTER_MINUTES = 10;

  public static final int DEFAULT_AUDIT_BUFFER_LIMIT = 1 << 20;

  public static final long DEFAULT_INCIDENT_QUIET_MINUTES = 10;

  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(1);
  public static final String DEFAULT_APPLICATION_ID = "sigwatch-verify";

  public VerifySettings {
    Objects.requireNonNull(trustedRoot, "trustedRoot");
    witnessPolicy = witnessPolicy == null ? WitnessPolicy.none() : witnessPolicy;
    staleAfter = staleAfter == null ? DEFAULT_STALE_AFTER : staleAfter;
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("staleAfter must be > 0, was " + staleAfter);
    }
    livenessInterval = livenessInterval == null ? defaultInterval(staleAfter) : livenessInterval;
    if (livenessInterval.isNegative() || livenessInterval.isZero()) {
      throw new IllegalArgumentException("livenessInterval must be > 0, was " + livenessInterval);
    }
    applicationId = applicationId == null || applicationId.isBlank() ? DEFAULT_APPLICATION_ID : applicationId;
    backlogAfter = backlogAfter == null ? staleAfter : backlogAfter;
    if (backlogAfter.isNegative() || backlogAfter.isZero()) {
      throw new IllegalArgumentException("backlogAfter must be > 0, was " + backlogAfter);
    }
    incidentQuiet = incidentQuiet == null ? Duration.ofMinutes(DEFAULT_INCIDENT_QUIET_MINUTES) : incidentQuiet;
    if (incidentQuiet.isNegative() || incidentQuiet.isZero()) {
      throw new IllegalArgumentException("incidentQuiet must be > 0, was " + incidentQuiet);
    }
    origins = origins == null ? java.util.Map.of() : java.util.Map.copyOf(origins);
    auditBufferLimit = auditBufferLimit == 0 ? DEFAULT_AUDIT_BUFFER_LIMIT : auditBufferLimit;
    if (auditBufferLimit < 1) throw new IllegalArgumentException("auditBufferLimit must be > 0, was " + auditBufferLimit);
    // unprovenAfter: a checkpoint larger than the trusted head not proven consistent with it never becomes the head
    // (ingest asks again each poll); past this bound one UNPROVEN_CONSISTENCY alert says verification is stuck.
    // Logs are polled every few seconds: 10 minutes is dozens of retries, so a transient fetch error never alerts.
    unprovenAfter = unprovenAfter == null ? Duration.ofMinutes(DEFAULT_UNPROVEN_AFTER_MINUTES) : unprovenAfter;
    if (unprovenAfter.isNegative() || unprovenAfter.isZero()) {
      throw new IllegalArgumentException("unprovenAfter must be > 0, was " + unprovenAfter);
    }
  }

  /** Settings with a trusted root fixed for the stage's life. */
  public VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
      Duration livenessInterval, String applicationId, Duration backlogAfter, Duration incidentQuiet,
      java.util.Map<String, String> origins, int auditBufferLimit, Duration unprovenAfter) {
    this(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter, incidentQuiet, origins,
        auditBufferLimit, unprovenAfter, null);
  }

  /** These settings with a refreshed trusted root ({@code trustedRoot} stays the one at startup). */
  public VerifySettings withCurrentRoot(java.util.function.Supplier<TrustedRoot> source) {
    return new VerifySettings(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter,
        incidentQuiet, origins, auditBufferLimit, unprovenAfter, source);
  }

  /** The trusted root to verify with now. */
  public TrustedRoot rootNow() {
    TrustedRoot r = currentRoot == null ? null : currentRoot.get();
    return r == null ? trustedRoot : r;
  }

  /** Settings with the default bound on unproven consistency. */
  public VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
      Duration livenessInterval, String applicationId, Duration backlogAfter, Duration incidentQuiet,
      java.util.Map<String, String> origins, int auditBufferLimit) {
    this(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter, incidentQuiet, origins,
        auditBufferLimit, null);
  }

  /** These settings with another bound on unproven consistency. */
  public VerifySettings withUnprovenAfter(Duration bound) {
    return new VerifySettings(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter,
        incidentQuiet, origins, auditBufferLimit, bound, currentRoot);
  }

  public VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
      Duration livenessInterval, String applicationId, Duration backlogAfter, Duration incidentQuiet) {
    this(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter, incidentQuiet, null, 0);
  }

  /** These settings with another audit buffer limit (leaves per log). */
  public VerifySettings withAuditBufferLimit(int limit) {
    return new VerifySettings(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter,
        incidentQuiet, origins, limit, unprovenAfter, currentRoot);
  }

  /** These settings with configured checkpoint origins by log URL. */
  public VerifySettings withOrigins(java.util.Map<String, String> byUrl) {
    return new VerifySettings(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter,
        incidentQuiet, byUrl, auditBufferLimit, unprovenAfter, currentRoot);
  }

  /** Settings with the default incident quiet period. */
  public VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
      Duration livenessInterval, String applicationId, Duration backlogAfter) {
    this(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter, null);
  }

  /** These settings with another incident quiet period. */
  public VerifySettings withIncidentQuiet(Duration quiet) {
    return new VerifySettings(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, backlogAfter,
        quiet, origins, auditBufferLimit, unprovenAfter, currentRoot);
  }

  /** Settings with the default backlog bound ({@code staleAfter}). */
  public VerifySettings(TrustedRoot trustedRoot, WitnessPolicy witnessPolicy, Duration staleAfter,
      Duration livenessInterval, String applicationId) {
    this(trustedRoot, witnessPolicy, staleAfter, livenessInterval, applicationId, null, null);
  }

  /** Defaults for everything but the trusted root. */
  public static VerifySettings of(TrustedRoot trustedRoot) {
    return new VerifySettings(trustedRoot, null, null, null, null);
  }

  private static Duration defaultInterval(Duration staleAfter) {
    Duration quarter = staleAfter.dividedBy(4);
    return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarter;
  }
}
