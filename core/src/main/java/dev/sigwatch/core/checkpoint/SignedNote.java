package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, and one or more signature lines.
 *
 * <p>Parsing only checks the format; nothing in {@link #text()} may be trusted before a {@link
 * NoteVerifier} accepted the note.
 *
 * @param text the signed text, including its final newline (the exact bytes that were signed)
 * @param signatures the signature lines in order, at least one
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

  /**
   * At most this many signature lines are accepted. Each line from a known key costs a signature
   * verification, and the note usually comes from a log or a mirror we do not control: without a
   * cap, a hostile server could send a note with millions of lines that all name a trusted key and
   * keep a verifier busy (and its memory full) for as long as it likes. C2SP signed-note asks
   * verifiers to accept at least 16; Rekor v2 checkpoints carry the log's signature plus a handful
   * of witness cosignatures, so 100 leaves ample room for witness growth.
   */
  public static final int MAX_SIGNATURES = 100;

  /**
   * Notes larger than this are rejected before parsing, for the same reason as {@link
   * #MAX_SIGNATURES}: 100 post-quantum signatures of about 5 KB each plus a checkpoint fit well
   * below 1 MiB.
   */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  private static final String SIG_PREFIX = "\u2014 ";

  public SignedNote {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("note text must end with a newline");
    }
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("a signed note needs at least one signature");
    }
  }

  /** Decodes strict UTF-8 and parses; see {@link #parse(String)}. */
  public static SignedNote parse(byte[] note) throws NoteFormatException {
    if (note.length > MAX_NOTE_BYTES) {
      throw new NoteFormatException(
          "malformed note: " + note.length + " bytes, want at most " + MAX_NOTE_BYTES);
    }
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(note))
              .toString();
      return parse(s);
    } catch (CharacterCodingException e) {
      throw new NoteFormatException("malformed note: not valid UTF-8", e);
    }
  }

  /**
   * Parses a signed note. The text is separated from the signatures by the last blank line.
   *
   * @throws NoteFormatException if the note is not in signed-note format, has control characters
   *     other than newline, or has more than {@link #MAX_SIGNATURES} signature lines
   */
  public static SignedNote parse(String note) throws NoteFormatException {
    if (note.length() > MAX_NOTE_BYTES) {
      throw new NoteFormatException(
          "malformed note: " + note.length() + " characters, want at most " + MAX_NOTE_BYTES);
    }
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new NoteFormatException(
            "malformed note: control character 0x"
                + Integer.toHexString(c)
                + " at offset "
                + i);
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new NoteFormatException("malformed note: no blank line before the signatures");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    if (block.isEmpty()) {
      throw new NoteFormatException("malformed note: no signature lines");
    }
    if (!block.endsWith("\n")) {
      throw new NoteFormatException("malformed note: signature block does not end with a newline");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw new NoteFormatException(
          "malformed note: " + lines.length + " signature lines, want at most " + MAX_SIGNATURES);
    }
    List<NoteSignature> sigs = new ArrayList<>(lines.length);
    for (String line : lines) {
      sigs.add(parseLine(line));
    }
    return new SignedNote(text, sigs);
  }

  private static NoteSignature parseLine(String line) throws NoteFormatException {
    if (!line.startsWith(SIG_PREFIX)) {
      throw new NoteFormatException(
          "malformed signature line \"" + line + "\": want \"\u2014 <name> <base64>\"");
    }
    String rest = line.substring(SIG_PREFIX.length());
    int space = rest.lastIndexOf(' ');
    if (space <= 0) {
      throw new NoteFormatException("malformed signature line \"" + line + "\": no key name");
    }
    String name = rest.substring(0, space);
    if (!NoteKey.isValidName(name)) {
      throw new NoteFormatException("malformed signature line: invalid key name \"" + name + "\"");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(rest.substring(space + 1));
    } catch (IllegalArgumentException e) {
      throw new NoteFormatException(
          "malformed signature line for " + name + ": signature is not base64", e);
    }
    if (raw.length < 5) {
      throw new NoteFormatException(
          "malformed signature line for "
              + name
              + ": "
              + raw.length
              + " bytes, want a 4-byte key ID and a signature");
    }
    int keyId = ByteBuffer.wrap(raw, 0, 4).getInt();
    byte[] sig = new byte[raw.length - 4];
    System.arraycopy(raw, 4, sig, 0, sig.length);
    return new NoteSignature(name, keyId, sig);
  }

  /** The signed text as UTF-8 bytes: the message every signature line signs. */
  public byte[] textBytes() {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The note as served: text, blank line, signature lines. */
  public String toText() {
    StringBuilder b = new StringBuilder(text).append('\n');
    for (NoteSignature s : signatures) {
      b.append(s.toLine()).append('\n');
    }
    return b.toString();
  }
}
