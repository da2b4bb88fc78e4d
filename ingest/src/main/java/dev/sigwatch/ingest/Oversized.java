package dev.sigwatch.ingest;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RekorEntry;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.avro.specific.SpecificRecord;

/**
 * What ingest publishes instead of a record too big for Kafka ({@code max.request.size}): a log can serve an entry of
 * up to the response limit (32 MiB), and a record the producer refuses would fail the transaction again at every
 * retry, wedging the log. Smallest change first: the parts the tree does not cover (Rekor v1's raw JSON, CT's
 * {@code extra_data}) are dropped; if the leaf itself is too big, its first {@link #KEEP} bytes are kept with the leaf
 * hash computed here from the served bytes ({@code leafHash}, {@code servedBytes}), so the audit still covers it and
 * match reports it MALFORMED. Either way the poller notes it in the DLQ with a hash of what was served. Stateless.
 */
final class Oversized {
  /** Bytes of an oversized leaf or DLQ value kept as evidence: enough to see what it is, far below any record limit. */
  static final int KEEP = 64 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  private Oversized() {}

  /** A smaller copy of an entry: first without what the tree does not cover, else with its leaf truncated. */
  static SpecificRecord shrink(SpecificRecord entry, boolean truncateLeaf) {
    if (entry instanceof RekorEntry r) {
      RekorEntry.Builder b = RekorEntry.newBuilder(r).setRaw(null).setRawBodyAt(null);
      if (truncateLeaf) {
        byte[] body = bytes(r.getBody());
        b.setBody(ByteBuffer.wrap(body, 0, Math.min(KEEP, body.length)).slice())
            .setLeafHash(ByteBuffer.wrap(Rfc6962.leafHash(body))).setServedBytes((long) body.length);
      }
      return b.build();
    }
    CtEntry c = (CtEntry) entry;
    CtEntry.Builder b = CtEntry.newBuilder(c).setExtraData(ByteBuffer.allocate(0)).setTileLeaf(null);
    if (truncateLeaf) {
      byte[] leaf = bytes(c.getLeafInput());
      b.setLeafInput(ByteBuffer.wrap(leaf, 0, Math.min(KEEP, leaf.length)).slice())
          .setLeafHash(ByteBuffer.wrap(Rfc6962.leafHash(leaf))).setServedBytes((long) leaf.length);
    }
    return b.build();
  }

  /** What {@link #shrink} did to an entry, for the DLQ note. */
  static String describe(SpecificRecord original, SpecificRecord shrunk, int limit) {
    long servedBytes;
    String dropped;
    Long truncatedFrom;
    if (original instanceof RekorEntry r) {
      servedBytes = r.getBody().remaining() + (r.getRaw() == null ? 0 : r.getRaw().remaining());
      dropped = "its raw JSON";
      truncatedFrom = ((RekorEntry) shrunk).getServedBytes();
    } else {
      CtEntry c = (CtEntry) original;
      servedBytes = c.getLeafInput().remaining() + c.getExtraData().remaining()
          + (c.getTileLeaf() == null ? 0 : c.getTileLeaf().remaining());
      dropped = "its extra_data";
      truncatedFrom = ((CtEntry) shrunk).getServedBytes();
    }
    String what = truncatedFrom == null ? "published without " + dropped
        : "published without " + dropped + " and with its leaf truncated to " + KEEP + " of " + truncatedFrom
            + " bytes, with the leaf hash computed from the served bytes";
    return "entry of " + servedBytes + " bytes exceeds the Kafka record limit of " + limit + " bytes: " + what;
  }

  /** The first {@link #KEEP} bytes of {@code value}. */
  static byte[] evidence(byte[] value) {
    return value.length <= KEEP ? value : java.util.Arrays.copyOf(value, KEEP);
  }

  static String sha256(byte[] value) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
