package dev.sigwatch.simulator.crypto;

import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.SignedNote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Builds and signs checkpoints in the C2SP signed-note format (Rekor v1 and v2 flavours, witness cosignatures). */
public final class Notes {
  private Notes() {}

  /** Checkpoint body: origin, size, base64 root, optional extension lines; ends with a newline. */
  public static String body(String origin, long size, byte[] root, List<String> extensions) {
    StringBuilder b = new StringBuilder(origin).append('\n').append(size).append('\n')
        .append(Base64.getEncoder().encodeToString(root)).append('\n');
    for (String e : extensions) b.append(e).append('\n');
    return b.toString();
  }

  /** Rekor v2 / C2SP Ed25519 key ID: SHA-256(name || "\n" || 0x01 || raw key). */
  public static byte[] ed25519KeyId(String name, SimKey key) {
    return SimKey.sha256(name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', 0x01}, key.rawEd25519());
  }

  /** Witness cosignature/v1 key ID: SHA-256(name || "\n" || 0x04 || raw key). */
  public static byte[] cosignatureKeyId(String name, SimKey key) {
    return SimKey.sha256(name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', 0x04}, key.rawEd25519());
  }

  /** The vkey line ({@code name+hex hint+base64(type || key)}) of an Ed25519 note key of type 0x01 or 0x04. */
  public static String vkey(String name, SimKey key, byte type) {
    byte[] id = type == 0x04 ? cosignatureKeyId(name, key) : ed25519KeyId(name, key);
    byte[] raw = key.rawEd25519();
    byte[] t = new byte[raw.length + 1];
    t[0] = type;
    System.arraycopy(raw, 0, t, 1, raw.length);
    return name + "+" + String.format(java.util.Locale.ROOT, "%08x", SimKey.hint(id)) + "+"
        + Base64.getEncoder().encodeToString(t);
  }

  /** Rekor v1 signature line: ECDSA over the body, key hint SHA-256(SPKI)[0:4]. */
  public static NoteSignature rekorV1(String name, SimKey key, String body) {
    return new NoteSignature(name, SimKey.hint(key.logId()), key.sign(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Rekor v2 signature line: Ed25519 over the body, key hint from {@link #ed25519KeyId}. */
  public static NoteSignature ed25519(String name, SimKey key, String body) {
    return new NoteSignature(name, SimKey.hint(ed25519KeyId(name, key)), key.sign(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A cosignature/v1 line: keyID || u64be(time) || Ed25519("cosignature/v1\ntime <t>\n" || body). */
  public static NoteSignature cosignature(String name, SimKey key, String body, long timeSeconds) {
    String msg = "cosignature/v1\ntime " + timeSeconds + "\n" + body;
    byte[] sig = key.sign(msg.getBytes(StandardCharsets.UTF_8));
    byte[] payload = ByteBuffer.allocate(8 + sig.length).putLong(timeSeconds).put(sig).array();
    return new NoteSignature(name, SimKey.hint(cosignatureKeyId(name, key)), payload);
  }

  /** The full note text: body, blank line, signature lines. */
  public static String note(String body, List<NoteSignature> sigs) {
    return new SignedNote(body, new ArrayList<>(sigs)).toText();
  }
}
