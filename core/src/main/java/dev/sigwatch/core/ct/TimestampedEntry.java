package dev.sigwatch.core.ct;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * RFC 6962 §3.4 TimestampedEntry: the part of a MerkleTreeLeaf (and of an SCT's signed data) that
 * identifies the certificate.
 *
 * <p>Byte arrays are owned by the record: callers must not modify what they pass in or get back.
 *
 * @param timestamp milliseconds since the epoch
 * @param entryType x509 or precert
 * @param issuerKeyHash SHA-256 of the issuer's SubjectPublicKeyInfo, 32 bytes, for a precert; null for x509
 * @param certificate the DER certificate (x509_entry) or the DER TBSCertificate (precert_entry)
 * @param extensions the CtExtensions bytes (without their length prefix), empty for RFC 6962 logs
 */
public record TimestampedEntry(
    long timestamp, LogEntryType entryType, byte[] issuerKeyHash, byte[] certificate, byte[] extensions) {
  public static final int ISSUER_KEY_HASH_SIZE = 32;

  public TimestampedEntry {
    Objects.requireNonNull(entryType, "entryType");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(extensions, "extensions");
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
    }
    if (entryType == LogEntryType.PRECERT_ENTRY) {
      if (issuerKeyHash == null || issuerKeyHash.length != ISSUER_KEY_HASH_SIZE) {
        throw new IllegalArgumentException("precert issuerKeyHash: want 32 bytes, got "
            + (issuerKeyHash == null ? "null" : issuerKeyHash.length));
      }
    } else if (issuerKeyHash != null) {
      throw new IllegalArgumentException("x509 entry must not have an issuerKeyHash");
    }
    if (certificate.length == 0 || certificate.length >= 1 << 24) {
      throw new IllegalArgumentException("certificate: length " + certificate.length + " outside 1..2^24-1");
    }
    if (extensions.length >= 1 << 16) {
      throw new IllegalArgumentException("extensions: length " + extensions.length + " exceeds 2^16-1");
    }
  }

  /** An x509_entry for a final certificate. */
  public static TimestampedEntry x509(long timestamp, byte[] certificateDer, byte[] extensions) {
    return new TimestampedEntry(timestamp, LogEntryType.X509_ENTRY, null, certificateDer, extensions);
  }

  /** A precert_entry for a precertificate's TBS (see {@link PrecertTbs}). */
  public static TimestampedEntry precert(long timestamp, byte[] issuerKeyHash, byte[] tbs, byte[] extensions) {
    return new TimestampedEntry(timestamp, LogEntryType.PRECERT_ENTRY, issuerKeyHash, tbs, extensions);
  }

  static TimestampedEntry read(TlsReader r) throws CtFormatException {
    long timestamp = r.uint(8, "timestamp");
    if (timestamp < 0) {
      throw new CtFormatException("timestamp: " + Long.toUnsignedString(timestamp) + " exceeds 2^63-1");
    }
    LogEntryType type = LogEntryType.of(r.uint(2, "entry_type"));
    byte[] ikh = type == LogEntryType.PRECERT_ENTRY ? r.fixed(ISSUER_KEY_HASH_SIZE, "issuer_key_hash") : null;
    byte[] cert = r.opaque(3, 1, type == LogEntryType.PRECERT_ENTRY ? "tbs_certificate" : "certificate");
    byte[] ext = r.opaque(2, 0, "extensions");
    return new TimestampedEntry(timestamp, type, ikh, cert, ext);
  }

  void write(TlsWriter w) {
    w.uint(timestamp, 8).uint(entryType.code(), 2);
    if (entryType == LogEntryType.PRECERT_ENTRY) {
      w.fixed(issuerKeyHash);
    }
    w.opaque(certificate, 3).opaque(extensions, 2);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimestampedEntry e && timestamp == e.timestamp && entryType == e.entryType
        && Arrays.equals(issuerKeyHash, e.issuerKeyHash) && Arrays.equals(certificate, e.certificate)
        && Arrays.equals(extensions, e.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestamp, entryType, Arrays.hashCode(issuerKeyHash), Arrays.hashCode(certificate),
        Arrays.hashCode(extensions));
  }

  @Override
  public String toString() {
    return "TimestampedEntry[timestamp=" + timestamp + ", entryType=" + entryType + ", issuerKeyHash="
        + (issuerKeyHash == null ? "null" : HexFormat.of().formatHex(issuerKeyHash)) + ", certificate="
        + certificate.length + " bytes, extensions=" + HexFormat.of().formatHex(extensions) + "]";
  }
}
