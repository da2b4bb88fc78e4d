package dev.sigwatch.simulator.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * A generated signing key of the simulator: ECDSA P-256 (Rekor v1, CT, Fulcio) or Ed25519 (Rekor v2, witnesses).
 * Thread-safe: each {@link #sign} uses a fresh {@link Signature}.
 */
public final class SimKey {
  /** The two algorithms the simulated services use. */
  public enum Alg { ECDSA_P256, ED25519 }

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters P256_DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

  private final Alg alg;
  private final KeyPair pair;
  /** BouncyCastle's secp256r1 arithmetic signs ~7x faster than the JDK 17 provider (bulk SETs need it). */
  private final ECPrivateKeyParameters ecPrivate;

  private SimKey(Alg alg, KeyPair pair) {
    this.alg = alg;
    this.pair = pair;
    this.ecPrivate = alg == Alg.ECDSA_P256
        ? new ECPrivateKeyParameters(((ECPrivateKey) pair.getPrivate()).getS(), P256_DOMAIN) : null;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  public static SimKey generate(Alg alg) {
    try {
      KeyPairGenerator g;
      if (alg == Alg.ECDSA_P256) {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        g = KeyPairGenerator.getInstance("Ed25519");
      }
      return new SimKey(alg, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("generating " + alg + " key", e);
    }
  }

  public Alg alg() {
    return alg;
  }

  public KeyPair keyPair() {
    return pair;
  }

  /** DER SubjectPublicKeyInfo. */
  public byte[] spki() {
    return pair.getPublic().getEncoded();
  }

  /** The raw 32-byte Ed25519 public key (the SPKI without its 12-byte header). */
  public byte[] rawEd25519() {
    if (alg != Alg.ED25519) throw new IllegalStateException("not an Ed25519 key: " + alg);
    byte[] spki = spki();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  /** Rekor v1 / CT log ID: SHA-256 of the SPKI. */
  public byte[] logId() {
    return sha256(spki());
  }

  /** ECDSA-SHA256 (ASN.1 DER signature) or pure Ed25519 over {@code data}. */
  public byte[] sign(byte[] data) {
    if (alg == Alg.ECDSA_P256) {
      ECDSASigner signer = new ECDSASigner();
      signer.init(true, new ParametersWithRandom(ecPrivate, RANDOM));
      BigInteger[] rs = signer.generateSignature(sha256(data));
      try {
        return StandardDSAEncoding.INSTANCE.encode(P256.getN(), rs[0], rs[1]);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("DER-encoding an ECDSA signature", e);
      }
    }
    try {
      Signature s = Signature.getInstance(alg == Alg.ECDSA_P256 ? "SHA256withECDSA" : "Ed25519");
      s.initSign(pair.getPrivate());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + alg, e);
    }
  }

  /**
   * An ECDSA-SHA256 signer for bulk test data (a benchmark's millions of Rekor v1 SETs) that uses one random nonce for
   * every signature it makes: each signature verifies under this key like one from {@link #sign}, but costs a hash and
   * two multiplications mod n instead of a point multiplication (~10 µs instead of ~100). Anyone holding two of its
   * signatures can compute the private key: only for a simulator's throwaway key. Thread-safe.
   *
   * @throws IllegalStateException if this is not an ECDSA P-256 key
   */
  public java.util.function.Function<byte[], byte[]> reusedNonceSigner() {
    if (alg != Alg.ECDSA_P256) throw new IllegalStateException("not an ECDSA P-256 key: " + alg);
    BigInteger n = P256.getN();
    BigInteger k;
    BigInteger r;
    do {
      k = new BigInteger(n.bitLength(), RANDOM);
      r = k.signum() > 0 && k.compareTo(n) < 0
          ? P256.getG().multiply(k).normalize().getAffineXCoord().toBigInteger().mod(n) : BigInteger.ZERO;
    } while (r.signum() == 0);
    BigInteger kInverse = k.modInverse(n);
    BigInteger rd = r.multiply(ecPrivate.getD()).mod(n);
    BigInteger fixedR = r;
    return data -> {
      BigInteger z = new BigInteger(1, sha256(data)); // P-256: the whole 256-bit hash
      BigInteger sig = kInverse.multiply(z.add(rd)).mod(n);
      if (sig.signum() == 0) return sign(data); // probability 2^-256
      try {
        return StandardDSAEncoding.INSTANCE.encode(n, fixedR, sig);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("DER-encoding an ECDSA signature", e);
      }
    };
  }

  public static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) md.update(p);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first four bytes of {@code b} as a big-endian int (a note key hint). */
  public static int hint(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }
}
