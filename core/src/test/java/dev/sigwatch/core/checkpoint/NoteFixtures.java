package dev.sigwatch.core.checkpoint;

import dev.sigwatch.core.trust.LogNoteKeys;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustedRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the shared fixtures for checkpoint tests. */
public final class NoteFixtures {
  private NoteFixtures() {}

  public static Path path(String relative) {
    String root = System.getProperty("sigwatch.fixtures");
    if (root == null) {
      throw new IllegalStateException("system property sigwatch.fixtures is not set");
    }
    return Path.of(root).resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TrustedRoot root(String relative) {
    try {
      return TrustedRoot.load(path(relative));
    } catch (TrustException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The trusted-root log keys that may have signed a checkpoint (by its key hints and origin). */
  public static NoteVerifier logVerifier(String trustedRoot, String note) throws NoteFormatException {
    return new NoteVerifier(LogNoteKeys.forNote(root(trustedRoot), SignedNote.parse(note)));
  }

  public static List<NoteKey> vkeys(String relative) throws NoteFormatException {
    List<NoteKey> keys = new ArrayList<>();
    for (String line : read(relative).split("\n")) {
      if (!line.isBlank()) {
        keys.add(NoteKey.parseVkey(line));
      }
    }
    return keys;
  }

  /** The note with one bit flipped in the decoded signature of line {@code index}. */
  public static String flipSignatureBit(String noteText, int index, int byteOffset) throws NoteFormatException {
    SignedNote note = SignedNote.parse(noteText);
    List<NoteSignature> sigs = new ArrayList<>(note.signatures());
    NoteSignature s = sigs.get(index);
    byte[] b = s.signature();
    b[byteOffset] ^= 0x01;
    sigs.set(index, new NoteSignature(s.name(), s.keyId(), b));
    return new SignedNote(note.text(), sigs).toText();
  }
}
