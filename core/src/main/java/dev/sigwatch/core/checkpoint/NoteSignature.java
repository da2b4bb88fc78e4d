package dev.sigwatch.core.checkpoint;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * One signature line of a signed note: {@code — <name> base64(keyId || signature)}.
 *
 * @param name the key name (non-empty, no spaces or '+')
 * @param keyId the 32-bit key ID (big-endian first four bytes of the decoded line)
 * @param signature the bytes after the key ID, in the format of the key's signature type
 */
public record NoteSignature(String name, int keyId, byte[] signature) {
  public NoteSignature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signature, "signature");
    if (!NoteKey.isValidName(name)) {
      throw new IllegalArgumentException("invalid key name \"" + name + "\"");
    }
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The key ID as 8 lowercase hex digits, as in a vkey. */
  public String keyIdHex() {
    return String.format(Locale.ROOT, "%08x", keyId);
  }

  /** The line as it appears in a note, without the trailing newline. */
  public String toLine() {
    byte[] raw = new byte[4 + signature.length];
    raw[0] = (byte) (keyId >>> 24);
    raw[1] = (byte) (keyId >>> 16);
    raw[2] = (byte) (keyId >>> 8);
    raw[3] = (byte) keyId;
    System.arraycopy(signature, 0, raw, 4, signature.length);
    return "\u2014 " + name + " " + Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s
        && s.name.equals(name)
        && s.keyId == keyId
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, keyId, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "NoteSignature[" + name + "+" + keyIdHex() + ", " + signature.length + " bytes]";
  }
}
