package dev.sigwatch.core.ct;

import dev.sigwatch.core.tiles.TilePath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a static-ct-api data tile ({@code tile/data/<N>}): the TimestampedEntry, for a precert the
 * submitted precertificate, and the SHA-256 fingerprints of the submitted chain's issuers (served at
 * {@code issuer/<hex fingerprint>}).
 *
 * <p>Byte arrays are owned by the record: callers must not modify what they pass in or get back.
 *
 * @param entry the timestamped entry; its extensions carry the leaf_index
 * @param preCertificate the DER precertificate of a precert entry, null for an x509 entry
 * @param chainFingerprints 32-byte SHA-256 fingerprints of the issuers, closest first
 */
public record TileLeaf(TimestampedEntry entry, byte[] preCertificate, List<byte[]> chainFingerprints) {
  private static final int FINGERPRINT_SIZE = 32;

  public TileLeaf {
    Objects.requireNonNull(entry, "entry");
    if ((entry.entryType() == LogEntryType.PRECERT_ENTRY) != (preCertificate != null)) {
      throw new IllegalArgumentException("preCertificate must be set exactly for a precert entry");
    }
    chainFingerprints = List.copyOf(chainFingerprints);
    for (byte[] f : chainFingerprints) {
      if (f.length != FINGERPRINT_SIZE) {
        throw new IllegalArgumentException("chain fingerprint: want 32 bytes, got " + f.length);
      }
    }
  }

  /** Decodes every entry of a data tile, in order. */
  public static List<TileLeaf> parseTile(byte[] dataTile) throws CtFormatException {
    TlsReader r = new TlsReader(dataTile);
    List<TileLeaf> out = new ArrayList<>();
    while (r.remaining() > 0) {
      TimestampedEntry e = TimestampedEntry.read(r);
      byte[] pre = e.entryType() == LogEntryType.PRECERT_ENTRY ? r.opaque(3, 1, "pre_certificate") : null;
      TlsReader fps = r.sub(2, "certificate_chain");
      List<byte[]> chain = new ArrayList<>();
      while (fps.remaining() > 0) {
        chain.add(fps.fixed(FINGERPRINT_SIZE, "fingerprint"));
      }
      out.add(new TileLeaf(e, pre, chain));
    }
    return out;
  }

  /** The TLS encoding of this entry, as concatenated into a data tile. */
  public byte[] encode() {
    TlsWriter w = new TlsWriter();
    entry.write(w);
    if (preCertificate != null) {
      w.opaque(preCertificate, 3);
    }
    TlsWriter fps = new TlsWriter();
    chainFingerprints.forEach(fps::fixed);
    return w.opaque(fps.toByteArray(), 2).toByteArray();
  }

  /** The Merkle tree leaf this entry hashes to (its level-0 tile hash is {@code leafHash()} of it). */
  public MerkleTreeLeaf merkleTreeLeaf() {
    return new MerkleTreeLeaf(entry);
  }

  /** The full data tile holding leaf {@code leafIndex}; the entry's position in it is leafIndex % 256. */
  public static TilePath dataTile(long leafIndex) {
    if (leafIndex < 0) {
      throw new IllegalArgumentException("leafIndex must be >= 0, was " + leafIndex);
    }
    return new TilePath(TilePath.Kind.DATA, 0, leafIndex / TilePath.FULL_WIDTH, TilePath.FULL_WIDTH);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TileLeaf t && entry.equals(t.entry) && Arrays.equals(preCertificate, t.preCertificate)
        && chainFingerprints.size() == t.chainFingerprints.size()
        && java.util.stream.IntStream.range(0, chainFingerprints.size())
            .allMatch(i -> Arrays.equals(chainFingerprints.get(i), t.chainFingerprints.get(i)));
  }

  @Override
  public int hashCode() {
    int h = entry.hashCode() * 31 + Arrays.hashCode(preCertificate);
    for (byte[] f : chainFingerprints) {
      h = h * 31 + Arrays.hashCode(f);
    }
    return h;
  }

  @Override
  public String toString() {
    return "TileLeaf[entry=" + entry + ", preCertificate=" + (preCertificate == null ? "null"
        : preCertificate.length + " bytes") + ", chain=" + chainFingerprints.size() + " fingerprints]";
  }
}
