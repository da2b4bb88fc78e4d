package dev.sigwatch.core.ct;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Verifies SCT signatures (RFC 6962 §3.2).
 *
 * <p>Thread-safe: every method may be called concurrently.
 */
public final class SctVerifier {
  private static final Provider BC = new BouncyCastleProvider();

  private SctVerifier() {}

  /**
   * The precert entry that the SCTs embedded in {@code finalCert} sign: the precert TBS and the hash of the
   * issuer's key. Timestamp and extensions are the SCT's own (see {@link Sct#signingInput}).
   */
  public static TimestampedEntry embeddedEntry(X509Certificate finalCert, PublicKey issuerKey)
      throws CtFormatException {
    return TimestampedEntry.precert(0, PrecertTbs.issuerKeyHash(issuerKey),
        PrecertTbs.fromFinalCertificate(finalCert), new byte[0]);
  }

  /**
   * Whether {@code sct}'s signature over {@code entry} verifies with {@code logKey}. A malformed signature
   * or an unsupported algorithm does not verify.
   */
  public static boolean verify(Sct sct, TimestampedEntry entry, PublicKey logKey) {
    try {
      Signature s = Signature.getInstance(sct.jcaAlgorithm(), BC);
      s.initVerify(logKey);
      s.update(sct.signingInput(entry));
      return s.verify(sct.signature());
    } catch (GeneralSecurityException | CtFormatException | RuntimeException e) {
      return false;
    }
  }

  /** Verifies an SCT embedded in {@code finalCert}, issued by the holder of {@code issuerKey}. */
  public static boolean verifyEmbedded(Sct sct, X509Certificate finalCert, PublicKey issuerKey, PublicKey logKey)
      throws CtFormatException {
    return verify(sct, embeddedEntry(finalCert, issuerKey), logKey);
  }
}
