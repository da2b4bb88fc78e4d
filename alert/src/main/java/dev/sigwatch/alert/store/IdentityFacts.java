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
