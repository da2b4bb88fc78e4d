package dev.sigwatch.testkit.sim.ct;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * RFC 6962 / static-ct TLS encodings the simulated CT logs need (precert entries only). Stateless.
 * A private helper until core's {@code dev.sigwatch.core.ct} encoders land.
 */
final class CtCodec {
  static final int PRECERT_ENTRY = 1;

  private CtCodec() {}

  /** TimestampedEntry for a precert: timestamp, entry_type=1, issuer_key_hash, tbs<u24>, extensions<u16>. */
  static byte[] timestampedEntry(long timestampMs, byte[] issuerKeyHash, byte[] tbs, byte[] extensions) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    u64(o, timestampMs);
    u16(o, PRECERT_ENTRY);
    o.writeBytes(issuerKeyHash);
    u24(o, tbs.length);
    o.writeBytes(tbs);
    u16(o, extensions.length);
    o.writeBytes(extensions);
    return o.toByteArray();
  }

  /** MerkleTreeLeaf: version 0, leaf_type 0 (timestamped_entry), then the entry. */
  static byte[] merkleTreeLeaf(byte[] timestampedEntry) {
    byte[] out = new byte[timestampedEntry.length + 2];
    System.arraycopy(timestampedEntry, 0, out, 2, timestampedEntry.length);
    return out;
  }

  /** The data an SCT signs: version 0, signature_type 0 (certificate_timestamp), then the TimestampedEntry. */
  static byte[] sctSignedData(byte[] timestampedEntry) {
    return merkleTreeLeaf(timestampedEntry); // same two zero bytes, then the entry
  }

  /** SignedCertificateTimestamp: version 0, log_id, timestamp, extensions<u16>, digitally-signed ECDSA/SHA-256. */
  static byte[] sct(byte[] logId, long timestampMs, byte[] extensions, byte[] derSignature) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0);
    o.writeBytes(logId);
    u64(o, timestampMs);
    u16(o, extensions.length);
    o.writeBytes(extensions);
    o.writeBytes(digitallySigned(derSignature));
    return o.toByteArray();
  }

  /** DigitallySigned: hash sha256 (4), signature ecdsa (3), signature<u16>. */
  static byte[] digitallySigned(byte[] derSignature) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(4);
    o.write(3);
    u16(o, derSignature.length);
    o.writeBytes(derSignature);
    return o.toByteArray();
  }

  /** TreeHeadSignature input: version 0, signature_type 1 (tree_hash), timestamp, tree_size, root. */
  static byte[] treeHeadSignatureInput(long timestampMs, long size, byte[] root) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0);
    o.write(1);
    u64(o, timestampMs);
    u64(o, size);
    o.writeBytes(root);
    return o.toByteArray();
  }

  /** PrecertChainEntry (RFC 6962 get-entries extra_data): pre_certificate<u24>, chain<u24> of certs<u24>. */
  static byte[] precertChainEntry(byte[] precert, List<byte[]> chain) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (byte[] c : chain) {
      u24(list, c.length);
      list.writeBytes(c);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    u24(o, precert.length);
    o.writeBytes(precert);
    u24(o, list.size());
    o.writeBytes(list.toByteArray());
    return o.toByteArray();
  }

  /** static-ct TileLeaf for a precert: TimestampedEntry, pre_certificate<u24>, chain fingerprints<u16>. */
  static byte[] tileLeaf(byte[] timestampedEntry, byte[] precert, List<byte[]> fingerprints) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(timestampedEntry);
    u24(o, precert.length);
    o.writeBytes(precert);
    u16(o, fingerprints.size() * 32);
    for (byte[] f : fingerprints) o.writeBytes(f);
    return o.toByteArray();
  }

  /** static-ct SCT extension carrying the leaf index: type 0 (leaf_index), length 5, uint40 index. */
  static byte[] leafIndexExtension(long index) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0);
    u16(o, 5);
    o.write((int) (index >>> 32));
    o.write((int) (index >>> 24));
    o.write((int) (index >>> 16));
    o.write((int) (index >>> 8));
    o.write((int) index);
    return o.toByteArray();
  }

  static void u16(ByteArrayOutputStream o, int v) {
    o.write(v >>> 8);
    o.write(v);
  }

  static void u24(ByteArrayOutputStream o, int v) {
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  static void u64(ByteArrayOutputStream o, long v) {
    for (int s = 56; s >= 0; s -= 8) o.write((int) (v >>> s));
  }
}
