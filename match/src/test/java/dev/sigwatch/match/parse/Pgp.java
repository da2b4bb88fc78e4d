package dev.sigwatch.match.parse;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/** A real OpenPGP v4 public key ring (ECDSA P-256, self-certified user ID) generated with bcpg. */
final class Pgp {
  private Pgp() {}

  static PGPPublicKeyRing ring(String userId) throws Exception {
    KeyPair kp = TestKeys.ec();
    PGPKeyPair pgp = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.ECDSA, kp,
        Date.from(TestKeys.NOT_BEFORE));
    PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
    PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pgp, userId, sha1, null,
        null, new JcaPGPContentSignerBuilder(PGPPublicKey.ECDSA, HashAlgorithmTags.SHA256), null);
    return gen.generatePublicKeyRing();
  }

  static byte[] armored(PGPPublicKeyRing ring) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream a = new ArmoredOutputStream(out)) {
      ring.encode(a);
    }
    return out.toByteArray();
  }

  /**
   * The v4 fingerprint computed from the key packet as RFC 4880 §12.2 defines it, without bcpg's fingerprint API:
   * SHA-1(0x99 ‖ two-octet length ‖ public-key packet body).
   */
  static String v4Fingerprint(PGPPublicKey key) throws Exception {
    byte[] body = key.getPublicKeyPacket().getEncodedContents();
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update((byte) 0x99);
    sha1.update((byte) (body.length >> 8));
    sha1.update((byte) body.length);
    return java.util.HexFormat.of().formatHex(sha1.digest(body));
  }
}
