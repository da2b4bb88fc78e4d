package dev.sigwatch.core.ct;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * RFC 6962 §3.2 SignedCertificateTimestamp (v1).
 *
 * <p>Byte arrays are owned by the record: callers must not modify what they pass in or get back.
 *
 * @param logId SHA-256 of the log's public key, 32 bytes
 * @param timestamp milliseconds since the epoch
 * @param extensions CtExtensions bytes without their length prefix; static-ct logs put the leaf index here
 * @param hashAlgorithm TLS HashAlgorithm (4 = sha256)
 * @param signatureAlgorithm TLS SignatureAlgorithm (1 = rsa, 3 = ecdsa)
 * @param signature the signature over {@link #signingInput}
 */
public record Sct(byte[] logId, long timestamp, byte[] extensions, int hashAlgorithm, int signatureAlgorithm,
    byte[] signature) {
  public static final int V1 = 0;
  public static final int SHA256 = 4;
  public static final int RSA = 1;
  public static final int ECDSA = 3;
  private static final int CERTIFICATE_TIMESTAMP = 0;

  public Sct {
    if (logId == null || logId.length != 32) {
      throw new IllegalArgumentException("logId: want 32 bytes, got " + (logId == null ? "null" : logId.length));
    }
    Objects.requireNonNull(extensions, "extensions");
    Objects.requireNonNull(signature, "signature");
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
    }
    if (hashAlgorithm < 0 || hashAlgorithm > 255 || signatureAlgorithm < 0 || signatureAlgorithm > 255) {
      throw new IllegalArgumentException("algorithms must fit in a byte");
    }
  }

  /** Decodes one serialized SCT; trailing bytes and versions other than v1 are errors. */
  public static Sct parse(byte[] serialized) throws CtFormatException {
    TlsReader r = new TlsReader(serialized);
    Sct sct = read(r);
    r.expectEnd("SCT");
    return sct;
  }

  static Sct read(TlsReader r) throws CtFormatException {
    long version = r.uint(1, "sct_version");
    if (version != V1) {
      throw new CtFormatException("sct_version: got " + version + ", want 0 (v1)");
    }
    byte[] logId = r.fixed(32, "log_id");
    long timestamp = r.uint(8, "timestamp");
    if (timestamp < 0) {
      throw new CtFormatException("timestamp: " + Long.toUnsignedString(timestamp) + " exceeds 2^63-1");
    }
    byte[] ext = r.opaque(2, 0, "extensions");
    int hash = (int) r.uint(1, "hash_algorithm");
    int sig = (int) r.uint(1, "signature_algorithm");
    byte[] signature = r.opaque(2, 0, "signature");
    return new Sct(logId, timestamp, ext, hash, sig, signature);
  }

  /** The serialized SCT (as inside a SignedCertificateTimestampList or an add-chain response). */
  public byte[] encode() {
    return new TlsWriter().uint(V1, 1).fixed(logId).uint(timestamp, 8).opaque(extensions, 2)
        .uint(hashAlgorithm, 1).uint(signatureAlgorithm, 1).opaque(signature, 2).toByteArray();
  }

  /** The static-ct-api leaf_index extension, if present. */
  public OptionalLong leafIndex() throws CtFormatException {
    return CtExtensions.leafIndex(extensions);
  }

  /**
   * The bytes a log signs for an SCT over {@code entry} (RFC 6962 §3.2 digitally-signed struct): version,
   * signature_type certificate_timestamp, then the entry's type, signed entry and this SCT's timestamp
   * and extensions. For v1 this equals the MerkleTreeLeaf of the same entry.
   */
  public static byte[] signingInput(long timestamp, TimestampedEntry entry, byte[] extensions) {
    TimestampedEntry signed = new TimestampedEntry(timestamp, entry.entryType(), entry.issuerKeyHash(),
        entry.certificate(), extensions);
    TlsWriter w = new TlsWriter().uint(V1, 1).uint(CERTIFICATE_TIMESTAMP, 1);
    signed.write(w);
    return w.toByteArray();
  }

  /** {@link #signingInput(long, TimestampedEntry, byte[])} with this SCT's timestamp and extensions. */
  public byte[] signingInput(TimestampedEntry entry) {
    return signingInput(timestamp, entry, extensions);
  }

  /** The JCA signature algorithm name, e.g. SHA256withECDSA. */
  public String jcaAlgorithm() throws CtFormatException {
    if (hashAlgorithm != SHA256) {
      throw new CtFormatException("hash_algorithm: got " + hashAlgorithm + ", want 4 (sha256)");
    }
    return switch (signatureAlgorithm) {
      case ECDSA -> "SHA256withECDSA";
      case RSA -> "SHA256withRSA";
      default -> throw new CtFormatException(
          "signature_algorithm: got " + signatureAlgorithm + ", want 1 (rsa) or 3 (ecdsa)");
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sct s && Arrays.equals(logId, s.logId) && timestamp == s.timestamp
        && Arrays.equals(extensions, s.extensions) && hashAlgorithm == s.hashAlgorithm
        && signatureAlgorithm == s.signatureAlgorithm && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(logId), timestamp, Arrays.hashCode(extensions), hashAlgorithm,
        signatureAlgorithm, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "Sct[logId=" + hex.formatHex(logId) + ", timestamp=" + timestamp + ", extensions="
        + hex.formatHex(extensions) + ", alg=" + hashAlgorithm + "/" + signatureAlgorithm + "]";
  }
}
