package dev.sigwatch.core.x509;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Decides whether a leaf certificate was issued by a Fulcio CA of the trusted root: a path from the leaf,
 * through optional extra intermediates, to a certificate of a {@link TrustedCa} whose validity period
 * contains the leaf's notBefore, with every signature verified and every certificate valid at that time.
 * A certificate that fails is a {@link ChainStatus.Lookalike}, which is itself worth an alert: a self-made
 * CA may copy the Fulcio CA's names but cannot sign with its key.
 *
 * <p>Verified (intermediate, issuer) pairs are cached, so only the leaf's own signature is checked on
 * every call. Signatures are checked with BouncyCastle's provider by default (faster than the JDK's for
 * the P-256 / P-384 keys Fulcio uses).
 *
 * <p>Thread-safe: {@link #verify} may be called concurrently.
 */
public final class ChainVerifier {
  /** Longest leaf-to-anchor path explored; Fulcio paths have one intermediate at most. */
  private static final int MAX_DEPTH = 4;
  /** Bound on the verified-intermediates cache; cleared when full (real inputs have a handful). */
  private static final int MAX_CACHE = 10_000;
  private static final Provider BC = new BouncyCastleProvider();

  private final List<TrustedCa> cas;
  private final Provider provider;
  private final Map<String, Boolean> verifiedLinks = new ConcurrentHashMap<>();

  /** A verifier for {@code cas} using BouncyCastle for signatures. */
  public ChainVerifier(List<TrustedCa> cas) {
    this(cas, BC);
  }

  /** A verifier for {@code cas} using {@code provider} for signatures (null: the JDK's default). */
  public ChainVerifier(List<TrustedCa> cas, Provider provider) {
    this.cas = List.copyOf(cas);
    this.provider = provider;
  }

  /**
   * Verifies {@code leaf} at its notBefore.
   *
   * @param leaf the certificate to classify
   * @param extraChain untrusted certificates that may serve as intermediates (e.g. a bundle's chain or CT
   *     extra_data); may be empty. Trust always comes from the CAs given to the constructor.
   */
  public ChainStatus verify(X509Certificate leaf, List<X509Certificate> extraChain) {
    Instant t = leaf.getNotBefore().toInstant();
    String why = null;
    for (TrustedCa ca : cas) {
      if (!ca.validAt(t)) {
        continue;
      }
      Attempt a = tryCa(ca, leaf, extraChain, t);
      if (a.status != null) {
        return a.status;
      }
      why = a.reason;
    }
    if (why == null) {
      why = "no CA of the trusted root is valid at notBefore " + t;
    }
    return new ChainStatus.Lookalike(why);
  }

  private record Attempt(ChainStatus.Fulcio status, String reason) {}

  private Attempt tryCa(TrustedCa ca, X509Certificate leaf, List<X509Certificate> extra, Instant t) {
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    X509Certificate current = leaf;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      List<X509Certificate> anchors = ca.chain();
      for (int i = 0; i < anchors.size(); i++) {
        if (issues(anchors.get(i), current, t, depth > 0)) {
          path.addAll(anchors.subList(i, anchors.size()));
          return new Attempt(new ChainStatus.Fulcio(ca, path), null);
        }
      }
      X509Certificate next = null;
      for (X509Certificate c : extra) {
        if (!path.contains(c) && c.getBasicConstraints() >= 0 && issues(c, current, t, true)) {
          next = c;
          break;
        }
      }
      if (next == null) {
        return new Attempt(null, String.format(Locale.ROOT,
            "no certificate of CA %s valid at %s issued and signed \"%s\"", ca.uri(), t,
            current.getIssuerX500Principal().getName()));
      }
      path.add(next);
      current = next;
    }
    return new Attempt(null, "path longer than " + MAX_DEPTH + " certificates");
  }

  /** Whether {@code issuer} issued {@code child}: names match, issuer valid at t, signature verifies. */
  private boolean issues(X509Certificate issuer, X509Certificate child, Instant t, boolean cacheable) {
    if (!issuer.getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
      return false;
    }
    try {
      issuer.checkValidity(Date.from(t));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return false;
    }
    if (!cacheable) {
      return signatureVerifies(issuer, child);
    }
    String key = Certificates.fingerprint(child) + ":" + Certificates.fingerprint(issuer);
    Boolean ok = verifiedLinks.get(key);
    if (ok == null) {
      ok = signatureVerifies(issuer, child);
      if (verifiedLinks.size() >= MAX_CACHE) {
        verifiedLinks.clear();
      }
      verifiedLinks.put(key, ok);
    }
    return ok;
  }

  private boolean signatureVerifies(X509Certificate issuer, X509Certificate child) {
    try {
      // verify(key, Provider) with a null provider uses the JDK's default providers.
      child.verify(issuer.getPublicKey(), provider);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
