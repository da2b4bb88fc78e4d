package dev.sigwatch.match.topology;

import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.core.x509.ChainVerifier;
import dev.sigwatch.core.x509.TrustedCa;
import dev.sigwatch.schemas.IdentityEvent;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies the certificate of an identity event as Fulcio-issued or a lookalike, caching the outcome per
 * certificate fingerprint (a certificate is typically used for several entries in its 10 minutes), on top of
 * {@link ChainVerifier}'s own cache of verified intermediates. Called only for events that matched a rule or that
 * the CT join must judge, never for every entry: a chain check costs a signature verification.
 *
 * <p>Thread-safe.
 */
public final class ChainCheck {
  private static final int MAX_CACHED = 50_000;

  private final ChainVerifier verifier;
  private final Map<String, ChainStatus> cache = Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChainStatus> eldest) {
          return size() > MAX_CACHED;
        }
      });

  public ChainCheck(List<TrustedCa> cas) {
    this.verifier = new ChainVerifier(cas);
  }

  /** The chain status of {@code e}'s certificate; null if the event has no certificate. */
  public ChainStatus verify(IdentityEvent e) {
    if (e.getCertificateDer() == null) {
      return null;
    }
    ChainStatus cached = cache.get(e.getCertFingerprint());
    if (cached != null) {
      return cached;
    }
    ChainStatus status;
    try {
      X509Certificate leaf = Certificates.parse(bytes(e.getCertificateDer()));
      List<X509Certificate> extra = new ArrayList<>();
      for (ByteBuffer b : e.getChainDer()) {
        extra.add(Certificates.parse(bytes(b)));
      }
      status = verifier.verify(leaf, extra);
    } catch (CertificateParseException ex) {
      status = new ChainStatus.Lookalike("certificate does not parse: " + ex.getMessage());
    }
    cache.put(e.getCertFingerprint(), status);
    return status;
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
