package dev.sigwatch.core.ct;

import dev.sigwatch.core.merkle.Rfc6962;
import java.util.Objects;

/**
 * RFC 6962 §3.4 MerkleTreeLeaf (version v1, leaf type timestamped_entry): the {@code leaf_input} of
 * get-entries, whose leaf hash is SHA-256(0x00 ‖ leaf).
 *
 * @param entry the timestamped entry
 */
public record MerkleTreeLeaf(TimestampedEntry entry) {
  private static final int V1 = 0;
  private static final int TIMESTAMPED_ENTRY = 0;

  public MerkleTreeLeaf {
    Objects.requireNonNull(entry, "entry");
  }

  /** Decodes a leaf_input; trailing bytes, other versions and other leaf types are errors. */
  public static MerkleTreeLeaf parse(byte[] leafInput) throws CtFormatException {
    TlsReader r = new TlsReader(leafInput);
    long version = r.uint(1, "version");
    if (version != V1) {
      throw new CtFormatException("version: got " + version + ", want 0 (v1)");
    }
    long leafType = r.uint(1, "leaf_type");
    if (leafType != TIMESTAMPED_ENTRY) {
      throw new CtFormatException("leaf_type: got " + leafType + ", want 0 (timestamped_entry)");
    }
    TimestampedEntry e = TimestampedEntry.read(r);
    r.expectEnd("MerkleTreeLeaf");
    return new MerkleTreeLeaf(e);
  }

  /** The TLS encoding of this leaf. */
  public byte[] encode() {
    TlsWriter w = new TlsWriter().uint(V1, 1).uint(TIMESTAMPED_ENTRY, 1);
    entry.write(w);
    return w.toByteArray();
  }

  /** SHA-256(0x00 ‖ encode()). */
  public byte[] leafHash() {
    return Rfc6962.leafHash(encode());
  }
}
