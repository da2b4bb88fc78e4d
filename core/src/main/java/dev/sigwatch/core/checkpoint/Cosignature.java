package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The payload of a C2SP tlog-cosignature/v1 signature line (after the key ID): a uint64 timestamp
 * in seconds and an Ed25519 signature over {@code "cosignature/v1\ntime <timestamp>\n" ‖ note text}.
 *
 * @param timestamp seconds since the epoch at which the witness cosigned
 * @param signature the 64-byte Ed25519 signature
 */
public record Cosignature(long timestamp, byte[] signature) {
  public static final int ED25519_SIGNATURE_SIZE = 64;

  public Cosignature {
    Objects.requireNonNull(signature, "signature");
    if (signature.length != ED25519_SIGNATURE_SIZE) {
      throw new IllegalArgumentException(
          "cosignature has " + signature.length + " signature bytes, want " + ED25519_SIGNATURE_SIZE);
    }
    signature = signature.clone();
  }

  /** Parses the bytes following the key ID: u64be(timestamp) ‖ Ed25519 signature. */
  public static Cosignature parse(byte[] payload) throws NoteFormatException {
    if (payload.length != 8 + ED25519_SIGNATURE_SIZE) {
      throw new NoteFormatException(
          "malformed cosignature: " + payload.length + " bytes, want " + (8 + ED25519_SIGNATURE_SIZE));
    }
    long ts = ByteBuffer.wrap(payload, 0, 8).getLong();
    return new Cosignature(ts, Arrays.copyOfRange(payload, 8, payload.length));
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The message a witness signs: {@code "cosignature/v1\ntime <t>\n" ‖ text}. */
  public static byte[] signedMessage(long timestamp, String noteText) {
    return ("cosignature/v1\ntime " + Long.toUnsignedString(timestamp) + "\n" + noteText)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The payload as it follows the key ID in a signature line. */
  public byte[] encode() {
    return ByteBuffer.allocate(8 + signature.length).putLong(timestamp).put(signature).array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cosignature c && c.timestamp == timestamp && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestamp, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "Cosignature[timestamp=" + timestamp + "]";
  }
}
