package dev.sigwatch.core.checkpoint;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The body of a C2SP tlog-checkpoint: origin, tree size, root hash and optional extension lines.
 *
 * @param origin the log's origin line (non-empty)
 * @param size the tree size, {@code >= 0}
 * @param rootHash the 32-byte SHA-256 root hash
 * @param extensions extension lines in order (non-empty, without their newline), e.g. Rekor v1's
 *     {@code Timestamp: <nanos>}
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  /** Length of a SHA-256 root hash. */
  public static final int HASH_SIZE = 32;

  private static final String REKOR_TIMESTAMP = "Timestamp: ";

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rootHash, "rootHash");
    if (origin.isEmpty() || origin.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("origin must be one non-empty line, was \"" + origin + "\"");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    if (rootHash.length != HASH_SIZE) {
      throw new IllegalArgumentException(
          "root hash has " + rootHash.length + " bytes, want " + HASH_SIZE);
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
    for (String e : extensions) {
      if (e.isEmpty() || e.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("extension must be one non-empty line, was \"" + e + "\"");
      }
    }
  }

  /** Parses the note text (not the whole signed note) of a checkpoint. */
  public static Checkpoint parse(String text) throws NoteFormatException {
    if (!text.endsWith("\n")) {
      throw new NoteFormatException("malformed checkpoint: text does not end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new NoteFormatException(
          "malformed checkpoint: " + lines.length + " lines, want at least 3 (origin, size, root)");
    }
    if (lines[0].isEmpty()) {
      throw new NoteFormatException("malformed checkpoint: empty origin");
    }
    long size = parseSize(lines[1]);
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new NoteFormatException(
          "malformed checkpoint: root hash \"" + lines[2] + "\" is not base64", e);
    }
    if (root.length != HASH_SIZE) {
      throw new NoteFormatException(
          "malformed checkpoint: root hash has " + root.length + " bytes, want " + HASH_SIZE);
    }
    List<String> ext = new ArrayList<>();
    for (int i = 3; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        throw new NoteFormatException("malformed checkpoint: empty extension line " + (i + 1));
      }
      ext.add(lines[i]);
    }
    return new Checkpoint(lines[0], size, root, ext);
  }

  /** Parses the text of a signed note as a checkpoint. */
  public static Checkpoint from(SignedNote note) throws NoteFormatException {
    return parse(note.text());
  }

  private static long parseSize(String s) throws NoteFormatException {
    boolean digits = !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits || (s.length() > 1 && s.charAt(0) == '0')) {
      throw new NoteFormatException(
          "malformed checkpoint: size must be a decimal without leading zeros, but was: \""
              + s
              + "\"");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new NoteFormatException("malformed checkpoint: size " + s + " is too large", e);
    }
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The root hash as lowercase hex. */
  public String rootHashHex() {
    return HexFormat.of().formatHex(rootHash);
  }

  /** Rekor v1's {@code Timestamp: <nanoseconds since the epoch>} extension, if present. */
  public OptionalLong rekorTimestampNanos() {
    for (String e : extensions) {
      if (e.startsWith(REKOR_TIMESTAMP)) {
        try {
          return OptionalLong.of(Long.parseLong(e.substring(REKOR_TIMESTAMP.length())));
        } catch (NumberFormatException ignored) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The note text this checkpoint is written as (the bytes its signatures sign). */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(origin).append('\n').append(size).append('\n');
    b.append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  /**
   * Requires that this checkpoint states the given tree head, e.g. the tree size and root of an
   * inclusion proof that the checkpoint is meant to anchor.
   *
   * @throws NoteVerificationException naming both sizes or both roots when they differ
   */
  public void requireTreeHead(long treeSize, byte[] root) throws NoteVerificationException {
    if (treeSize != size) {
      throw new NoteVerificationException(
          "checkpoint tree size " + size + " does not match proof tree size " + treeSize);
    }
    if (!MessageDigest.isEqual(root, rootHash)) {
      throw new NoteVerificationException(
          "checkpoint root hash "
              + rootHashHex()
              + " does not match proof root hash "
              + HexFormat.of().formatHex(root));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.origin.equals(origin)
        && c.size == size
        && Arrays.equals(c.rootHash, rootHash)
        && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size=" + size + ", root=" + rootHashHex() + "]";
  }
}
