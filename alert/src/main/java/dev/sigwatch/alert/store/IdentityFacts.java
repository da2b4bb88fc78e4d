package dev.sigwatch.alert.store;

import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.SubjectAltName;
import java.util.List;
import java.util.Map;

/**
 * The part of a stored identity event a watchlist looks at, read by a replay's scan ({@link AlertStore#identityFacts}):
 * a third of the columns, so the scan costs a third; the few events that match are then read whole
 * ({@link AlertStore#identitiesById}).
 */
public record IdentityFacts(long id, List<SubjectAltName> sans, String oidcIssuer, Map<String, String> extensions,
    List<String> subjects, String certSha256, List<String> keySha256) {

  /**
   * Which facts a scan reads; the others come back empty (no SANs, no issuer, ...). A watchlist of certificate
   * identities and fingerprints never looks at extensions or subjects, and decoding them was a third of a row.
   *
   * @param sans the SANs and the OIDC issuer (certificate identity rules)
   * @param subjects the subjects (subject rules)
   * @param fingerprints the certificate and key fingerprints (fingerprint rules)
   * @param extensions the extensions and the OIDC issuer (extension value rules)
   */
  public record Columns(boolean sans, boolean subjects, boolean fingerprints, boolean extensions) {
    public static final Columns ALL = new Columns(true, true, true, true);
  }

  /**
   * An identity event holding only these facts, for {@link dev.sigwatch.match.watchlist.Watchlist#match}: not a
   * complete record (no log, index or time), never to be serialized or published.
   */
  public IdentityEvent toMatchable() {
    IdentityEvent e = new IdentityEvent();
    e.setSans(sans);
    e.setOidcIssuer(oidcIssuer);
    e.setExtensions(extensions);
    e.setSubjects(subjects);
    e.setCertFingerprint(certSha256);
    e.setKeyFingerprints(keySha256);
    return e;
  }
}
