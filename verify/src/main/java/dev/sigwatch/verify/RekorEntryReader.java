package dev.sigwatch.verify;

import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SchemaStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@code sigwatch.rekor.entries} value straight into an {@link AuditInput}: when the record is Avro
 * single-object encoded with exactly the {@link RekorEntry} schema this build ships, the fields are walked in place,
 * the body is hashed where it lies and the entry JSON ({@code raw}, needed only to anchor an audit mid-log) is kept
 * as a view of the record's bytes, never copied or parsed. Any other framing or schema version goes through the
 * general Avro deserializer. Stateless apart from the fallback; thread-safe if the fallback is.
 */
final class RekorEntryReader implements Deserializer<AuditInput> {

  /** Fingerprint of the one writer schema the fast path understands (field order below must match it). */
  static final long FINGERPRINT = SchemaStore.fingerprint(RekorEntry.getClassSchema());
  private static final int HEADER = 10;

  private final Deserializer<RekorEntry> fallback;

  RekorEntryReader(Deserializer<RekorEntry> fallback) {
    this.fallback = fallback;
  }

  @Override
  public AuditInput deserialize(String topic, byte[] data) {
    if (data == null || data.length < HEADER || data[0] != (byte) 0xC3 || data[1] != 0x01 || fingerprint(data) != FINGERPRINT) {
      return AuditInput.of(fallback.deserialize(topic, data));
    }
    Cursor c = new Cursor(data, HEADER);
    String logId = c.string(); // logId
    c.varLong(); // logType (enum index)
    long leafIndex = c.varLong();
    c.varLong(); // logIndex
    c.optionalBytes(); // treeId
    c.optionalBytes(); // uuid
    if (c.varLong() != 0) c.varLong(); // integratedTime
    int bodyLen = c.length();
    int bodyAt = c.pos;
    c.skip(bodyLen);
    ByteBuffer raw = c.optionalBytes();
    long observedAt = c.varLong();
    ByteBuffer truncatedLeafHash = c.optionalBytes(); // leafHash: set only for an entry too big for one record
    if (c.varLong() != 0) c.varLong(); // servedBytes
    if (c.varLong() != 0) c.varLong(); // rawBodyAt: raw without the body's text is still the JSON the anchor reads
    if (c.pos != data.length) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "RekorEntry has %d trailing bytes after its last field", data.length - c.pos));
    }
    if (leafIndex < 0) return new AuditInput.Bad(logId, "negative leafIndex " + leafIndex);
    if (truncatedLeafHash != null) {
      return new AuditInput.Entry(logId, leafIndex, AuditInput.leafHash(null, truncatedLeafHash), raw, observedAt);
    }
    MessageDigest md = AuditInput.SHA256.get();
    md.update((byte) 0);
    md.update(data, bodyAt, bodyLen);
    return new AuditInput.Entry(logId, leafIndex, md.digest(), raw, observedAt);
  }

  private static long fingerprint(byte[] data) {
    long fp = 0;
    for (int i = 7; i >= 0; i--) fp = (fp << 8) | (data[2 + i] & 0xFFL);
    return fp;
  }

  /** Avro binary primitives over an array; every read is bounds-checked. */
  private static final class Cursor {
    final byte[] b;
    int pos;

    Cursor(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    long varLong() {
      long raw = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= b.length) throw new IllegalArgumentException("RekorEntry truncated at byte " + pos);
        int x = b[pos++];
        raw |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) return (raw >>> 1) ^ -(raw & 1);
      }
      throw new IllegalArgumentException("RekorEntry has a varint longer than 10 bytes at " + pos);
    }

    int length() {
      long n = varLong();
      if (n < 0 || n > b.length - pos) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "RekorEntry field length %d at byte %d exceeds the %d bytes left", n, pos, b.length - pos));
      }
      return (int) n;
    }

    void skip(int n) {
      pos += n;
    }

    String string() {
      int n = length();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    /** A {@code ["null", bytes|string]} union: null, or a read-only view of the bytes. */
    ByteBuffer optionalBytes() {
      long branch = varLong();
      if (branch == 0) return null;
      if (branch != 1) throw new IllegalArgumentException("RekorEntry union branch " + branch + " at byte " + pos);
      int n = length();
      ByteBuffer v = ByteBuffer.wrap(b, pos, n).slice().asReadOnlyBuffer();
      pos += n;
      return v;
    }
  }
}
