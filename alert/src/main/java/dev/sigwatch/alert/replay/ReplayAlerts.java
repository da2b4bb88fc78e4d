package dev.sigwatch.alert.replay;

import dev.sigwatch.alert.store.StoredIdentity;
import dev.sigwatch.match.alerts.Alerts;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.Severity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one alert type a forensic replay raises. A replay reads stored identity events, which keep the certificate's
 * fingerprint, not its DER: it cannot re-verify the chain to a Fulcio CA, so it never claims IDENTITY_MATCH (which
 * says "Fulcio-issued"). REPLAY_MATCH says what was checked (the watchlist rule against the identities the match
 * stage extracted when the entry was read) and what was not (the chain, and the entry's inclusion in a signed tree).
 * Stateless and thread-safe.
 */
public final class ReplayAlerts {
  /** A watchlist rule matched a stored identity event in a replay (MEDIUM): chain and inclusion not re-verified. */
  public static final String REPLAY_MATCH = "REPLAY_MATCH";
  static final String VERIFIED = "the watchlist rule, against the identities the match stage extracted from the "
      + "entry when it was read (SANs, OIDC issuer, Fulcio extensions, key and certificate fingerprints)";
  static final String NOT_VERIFIED = "the certificate chain to a Fulcio CA (the store keeps the certificate's "
      + "fingerprint, not its DER), and the entry's inclusion in a signed tree: look for the live IDENTITY_MATCH or "
      + "LOOKALIKE alert of the same entry, or fetch the entry from the log";

  private ReplayAlerts() {}

  /**
   * The REPLAY_MATCH alert of {@code m} on {@code e}. Its id is deterministic ({@link Alerts#alertId} over
   * REPLAY_MATCH, log, index and rule), so a resumed or repeated replay re-emits the same id for the same fact.
   */
  public static Alert of(String replay, StoredIdentity stored, IdentityEvent e, RuleMatch m) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("replay", replay);
    evidence.put("why", m.why());
    evidence.put("ruleType", m.type().name());
    evidence.put("verified", VERIFIED);
    evidence.put("notVerified", NOT_VERIFIED);
    evidence.put("storedIdentityId", Long.toString(stored.id()));
    evidence.put("observedAt", stored.observedAt().toString());
    String where = switch (e.getSource()) {
      case CT -> "certificate issued (CT " + e.getLogId() + ")";
      default -> "signed in " + e.getLogId();
    };
    Alert a = Alerts.about(REPLAY_MATCH, Severity.MEDIUM, e, m.ruleId(), m.identity(),
        "replay " + replay + ": " + where + " #" + e.getLogIndex() + " for " + m.identity()
            + " (chain not re-verified)", null, evidence);
    if (e.getCertFingerprint() != null) {
      Map<String, String> cert = new LinkedHashMap<>(a.getCertificate());
      cert.put("chain", "not re-verified (replay of stored identities)");
      a.setCertificate(cert);
    }
    return a;
  }
}
