package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IdentitySource;
import java.util.List;
import java.util.Map;

/** What of a Rekor identity event the CT ⋈ Rekor join keeps while it waits. */
final class SlimRekorSide {
  private SlimRekorSide() {}

  /**
   * A Rekor side as the join keeps and forwards it: what {@link JoinProcessor}'s UNLOGGED alert reads (certificate
   * and chain, SANs, issuer, validity, entry coordinates), without the Fulcio extensions and subjects, which only the
   * watchlist reads (a Rekor side is never matched there). About a third of a GitHub Actions entry.
   */
  static IdentityEvent of(IdentityEvent e) {
    if (e.getSource() != IdentitySource.REKOR || (e.getExtensions().isEmpty() && e.getSubjects().isEmpty())) return e;
    IdentityEvent c = new IdentityEvent(); // a shallow copy (a builder would deep-copy the certificate)
    for (int i = 0; i < IdentityEvent.SCHEMA$.getFields().size(); i++) {
      c.put(i, e.get(i));
    }
    c.setExtensions(Map.of());
    c.setSubjects(List.of());
    return c;
  }
}
