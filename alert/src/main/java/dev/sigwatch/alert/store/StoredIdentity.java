package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import dev.sigwatch.schemas.SubjectAltName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored identity event: who signed (Rekor) or was issued a certificate (CT), with which certificate or key, in
 * which log at which index, when. The certificate DER is not kept (it is in the log and the raw entry topics); its
 * fingerprint, serial, issuer and validity are.
 *
 * @param id the store's sequence number (insertion order), stable across pages
 * @param entryTime the entry's time in whole seconds (integrated time, CT timestamp), else when it was observed
 * @param sans as {@code type:value}, e.g. {@code email:ops@acme.com}, {@code uri:https://github.com/...}
 */
public record StoredIdentity(long id, IdentitySource source, String logId, long logIndex, String uuid,
    Instant entryTime, Instant observedAt, String entryKind, String entryVersion, List<SubjectAltName> sans,
    String oidcIssuer, Map<String, String> extensions, List<String> subjects, String certSha256,
    List<String> keySha256, String certSerial, String certIssuerDn, Instant notBefore, Instant notAfter,
    String artifactDigest, String tbsHash) {

  public StoredIdentity {
    sans = List.copyOf(sans);
    extensions = Map.copyOf(extensions);
    subjects = List.copyOf(subjects);
    keySha256 = List.copyOf(keySha256);
  }

  /** The identity event this was stored from, without the certificate DER and chain (a watchlist needs neither). */
  public IdentityEvent toEvent() {
    return IdentityEvent.newBuilder()
        .setSource(source).setLogId(logId).setLogIndex(logIndex).setUuid(uuid)
        .setIntegratedTime(entryTime.equals(observedAt) ? null : entryTime.getEpochSecond())
        .setEntryKind(entryKind).setEntryVersion(entryVersion)
        .setSans(sans).setOidcIssuer(oidcIssuer).setExtensions(extensions).setSubjects(subjects)
        .setCertFingerprint(certSha256).setKeyFingerprints(keySha256).setCertSerial(certSerial)
        .setCertIssuerDn(certIssuerDn)
        .setNotBeforeMillis(notBefore == null ? null : notBefore.toEpochMilli())
        .setNotAfterMillis(notAfter == null ? null : notAfter.toEpochMilli())
        .setTbsHash(tbsHash).setArtifactDigest(artifactDigest)
        .setObservedAtMillis(observedAt.toEpochMilli())
        .build();
  }
}
