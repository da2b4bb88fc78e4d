package dev.sigwatch.core.trust;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;

/** Decodes the public keys of a trusted root by their {@code keyDetails}. Stateless. */
final class PublicKeys {
  private PublicKeys() {}

  /**
   * @param raw the {@code rawBytes}: SPKI DER, or a PKCS#1 RSAPublicKey for {@code PKCS1_RSA_*}
   * @param keyDetails the sigstore {@code PublicKeyDetails} name, e.g. {@code PKIX_ECDSA_P256_SHA_256}
   */
  static PublicKey decode(byte[] raw, String keyDetails) throws TrustException {
    String d = keyDetails == null ? "" : keyDetails.toUpperCase(Locale.ROOT);
    try {
      if (d.startsWith("PKCS1_RSA")) {
        RSAPublicKey k = RSAPublicKey.getInstance(raw);
        return KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
      }
      String alg;
      if (d.contains("ED25519")) {
        alg = "Ed25519";
      } else if (d.contains("ECDSA")) {
        alg = "EC";
      } else if (d.contains("RSA")) {
        alg = "RSA";
      } else {
        throw new TrustException("unsupported key type \"" + keyDetails + "\"");
      }
      return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(raw));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TrustException("invalid " + keyDetails + " public key: " + e.getMessage(), e);
    }
  }

}
