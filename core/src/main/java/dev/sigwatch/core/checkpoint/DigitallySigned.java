package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A TLS {@code DigitallySigned} struct (RFC 5246 §4.7) as used by RFC 6962: hash algorithm byte,
 * signature algorithm byte, uint16 length, signature.
 *
 * @param hashAlgorithm TLS HashAlgorithm; RFC 6962 logs use 4 (sha256)
 * @param signatureAlgorithm TLS SignatureAlgorithm; 1 (rsa, PKCS#1 v1.5) or 3 (ecdsa)
 * @param signature the signature bytes (DER for ECDSA)
 */
public record DigitallySigned(int hashAlgorithm, int signatureAlgorithm, byte[] signature) {
  public static final int HASH_SHA256 = 4;
  public static final int SIG_RSA = 1;
  public static final int SIG_ECDSA = 3;

  public DigitallySigned {
    Objects.requireNonNull(signature, "signature");
    if (hashAlgorithm < 0 || hashAlgorithm > 255 || signatureAlgorithm < 0 || signatureAlgorithm > 255) {
      throw new IllegalArgumentException("algorithm bytes must be in 0..255");
    }
    if (signature.length > 0xffff) {
      throw new IllegalArgumentException("signature has " + signature.length + " bytes, want <= 65535");
    }
    signature = signature.clone();
  }

  /** Parses exactly one DigitallySigned from {@code b} (no trailing bytes). */
  public static DigitallySigned parse(byte[] b) throws NoteFormatException {
    if (b.length < 4) {
      throw new NoteFormatException("malformed DigitallySigned: " + b.length + " bytes, want >= 4");
    }
    int len = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (4 + len != b.length) {
      throw new NoteFormatException(
          "malformed DigitallySigned: signature length " + len + ", but " + (b.length - 4) + " bytes follow");
    }
    return new DigitallySigned(b[0] & 0xff, b[1] & 0xff, Arrays.copyOfRange(b, 4, b.length));
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public byte[] encode() {
    return ByteBuffer.allocate(4 + signature.length)
        .put((byte) hashAlgorithm)
        .put((byte) signatureAlgorithm)
        .putShort((short) signature.length)
        .put(signature)
        .array();
  }

  /**
   * Verifies this signature over {@code message} with {@code key}: SHA-256 only, ECDSA for EC keys and
   * PKCS#1 v1.5 for RSA keys; the algorithm bytes must agree with the key.
   *
   * @return false for a wrong signature or an algorithm that does not fit the key
   */
  public boolean verify(PublicKey key, byte[] message) {
    if (hashAlgorithm != HASH_SHA256) {
      return false;
    }
    String alg;
    if (key.getAlgorithm().equals("EC") && signatureAlgorithm == SIG_ECDSA) {
      alg = "SHA256withECDSA";
    } else if (key.getAlgorithm().equals("RSA") && signatureAlgorithm == SIG_RSA) {
      alg = "SHA256withRSA";
    } else {
      return false;
    }
    try {
      Signature s = Signature.getInstance(alg);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // malformed DER signature and the like: a bad signature, not a crash
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DigitallySigned d
        && d.hashAlgorithm == hashAlgorithm
        && d.signatureAlgorithm == signatureAlgorithm
        && Arrays.equals(d.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hashAlgorithm, signatureAlgorithm, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "DigitallySigned[hash=%d, sig=%d, %d bytes]", hashAlgorithm, signatureAlgorithm, signature.length);
  }
}
