package dev.sigwatch.match.topology;

import dev.sigwatch.core.trust.CertificateAuthority;
import dev.sigwatch.core.trust.TrustedRoot;
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
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies the certificate of an identity event as Fulcio-issued or a lookalike, caching the outcome per
 * certificate fingerprint (a certificate is typically used for several entries in its 10 minutes), on top of
 * {@link ChainVerifier}'s own cache of verified intermediates. Called only for events that matched a rule or that
 * the CT join must judge, never for every entry: a chain check costs a signature verification.
 *
 * <p>The Fulcio CAs either stay fixed ({@link #ChainCheck(List)}) or follow a trusted root that changes while the
 * stage runs ({@link #following}: TUF refreshes it). Following: each check reads the root once and is judged by that
 * root's CAs alone (atomic per entry); when the CAs change, the verifier and the outcome cache are replaced together,
 * so a certificate judged a lookalike before its CA was published is judged again (no false LOOKALIKE after a CA
 * rotation), and one whose CA was removed no longer counts as Fulcio-issued.
 *
 * <p>Thread-safe.
 */
public final class ChainCheck {
  private static final Logger log = LoggerFactory.getLogger(ChainCheck.class);
  private static final int MAX_CACHED = 50_000;

  /** The CAs of one trusted root with their verifier and outcomes; replaced whole when the CAs change. */
  private record Generation(Object source, List<TrustedCa> cas, ChainVerifier verifier, Map<String, ChainStatus> cache) {
    static Generation of(Object source, List<TrustedCa> cas) {
      return new Generation(source, cas, new ChainVerifier(cas), Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChainStatus> eldest) {
              return size() > MAX_CACHED;
            }
          }));
    }
  }

  private final Supplier<TrustedRoot> roots;
  private volatile Generation generation;

  /** Fixed CAs. */
  public ChainCheck(List<TrustedCa> cas) {
    this.roots = null;
    this.generation = Generation.of(null, List.copyOf(cas));
  }

  private ChainCheck(Supplier<TrustedRoot> roots) {
    this.roots = roots;
    TrustedRoot first = Objects.requireNonNull(roots.get(), "trusted root");
    this.generation = Generation.of(first, cas(first));
  }

  /**
   * The CAs of the trusted root {@code roots} gives at each check: it must be cheap and thread-safe (an atomic
   * reference); a new root instance is compared with the last one by its CAs.
   */
  public static ChainCheck following(Supplier<TrustedRoot> roots) {
    return new ChainCheck(roots);
  }

  /** The CAs checks are judged by now. */
  public List<TrustedCa> cas() {
    return current().cas();
  }

  /** The chain status of {@code e}'s certificate; null if the event has no certificate. */
  public ChainStatus verify(IdentityEvent e) {
    if (e.getCertificateDer() == null) {
      return null;
    }
    Generation g = current();
    ChainStatus cached = g.cache().get(e.getCertFingerprint());
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
      status = g.verifier().verify(leaf, extra);
    } catch (CertificateParseException ex) {
      status = new ChainStatus.Lookalike("certificate does not parse: " + ex.getMessage());
    }
    g.cache().put(e.getCertFingerprint(), status);
    return status;
  }

  /** The generation of the root in use now, replaced first if the supplier gives another root. */
  private Generation current() {
    Generation g = generation;
    if (roots == null) return g;
    TrustedRoot root = roots.get();
    if (root == null || root == g.source()) return g;
    synchronized (this) {
      g = generation;
      if (root == g.source()) return g;
      List<TrustedCa> next = cas(root);
      if (next.equals(g.cas())) {
        g = new Generation(root, g.cas(), g.verifier(), g.cache());
      } else {
        log.info("match: Fulcio CAs changed ({} -> {}): {}", g.cas().size(), next.size(),
            next.stream().map(c -> c.uri() + " " + c.validFrom() + ".." + c.validUntil()).toList());
        g = Generation.of(root, next);
      }
      generation = g;
      return g;
    }
  }

  private static List<TrustedCa> cas(TrustedRoot root) {
    return root.certificateAuthorities().stream().map(CertificateAuthority::toTrustedCa).toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
