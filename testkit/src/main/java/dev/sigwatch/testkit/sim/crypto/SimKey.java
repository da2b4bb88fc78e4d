package dev.sigwatch.testkit.sim.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/**
 * A generated signing key of the simulator: ECDSA P-256 (Rekor v1, CT, Fulcio) or Ed25519 (Rekor v2, witnesses).
 * Thread-safe: each {@link #sign} uses a fresh {@link Signature}.
 */
public final class SimKey {
  /** The two algorithms the simulated services use. */
  public enum Alg { ECDSA_P256, ED25519 }

  private final Alg alg;
  private final KeyPair pair;

  private SimKey(Alg alg, KeyPair pair) {
    this.alg = alg;
    this.pair = pair;
  }

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
    try {
      Signature s = Signature.getInstance(alg == Alg.ECDSA_P256 ? "SHA256withECDSA" : "Ed25519");
      s.initSign(pair.getPrivate());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + alg, e);
    }
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
