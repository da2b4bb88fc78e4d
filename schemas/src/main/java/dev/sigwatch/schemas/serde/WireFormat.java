package dev.sigwatch.schemas.serde;

/**
 * The two framings a record value may carry; a reader tells them apart by the first byte.
 *
 * <pre>
 *   Avro single-object:  C3 01 | CRC-64-AVRO fingerprint, 8 bytes little-endian | Avro binary
 *   Confluent:           00    | schema id, 4 bytes big-endian                  | Avro binary
 * </pre>
 */
final class WireFormat {

  static final byte SINGLE_OBJECT_MAGIC_0 = (byte) 0xC3;
  static final byte SINGLE_OBJECT_MAGIC_1 = (byte) 0x01;
  static final int SINGLE_OBJECT_HEADER = 10;
  static final byte CONFLUENT_MAGIC = 0x00;
  static final int CONFLUENT_HEADER = 5;

  private WireFormat() {}

  static byte[] singleObjectHeader(long fingerprint) {
    byte[] h = new byte[SINGLE_OBJECT_HEADER];
    h[0] = SINGLE_OBJECT_MAGIC_0;
    h[1] = SINGLE_OBJECT_MAGIC_1;
    for (int i = 0; i < 8; i++) h[2 + i] = (byte) (fingerprint >>> (8 * i));
    return h;
  }

  static long singleObjectFingerprint(byte[] data) {
    long fp = 0;
    for (int i = 7; i >= 0; i--) fp = (fp << 8) | (data[2 + i] & 0xFFL);
    return fp;
  }

  static byte[] confluentHeader(int schemaId) {
    return new byte[] {CONFLUENT_MAGIC, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId};
  }

  static int confluentSchemaId(byte[] data) {
    return ((data[1] & 0xFF) << 24) | ((data[2] & 0xFF) << 16) | ((data[3] & 0xFF) << 8) | (data[4] & 0xFF);
  }
}
