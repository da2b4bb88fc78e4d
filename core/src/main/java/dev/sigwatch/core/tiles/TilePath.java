package dev.sigwatch.core.tiles;

import java.util.Locale;

/**
 * The path of a C2SP tlog-tiles resource relative to the log's prefix: a hash tile {@code
 * tile/<L>/<N>[.p/<W>]}, an entry bundle {@code tile/entries/<N>[.p/<W>]}, or a static-ct-api data tile
 * {@code tile/data/<N>[.p/<W>]}. {@code N} is written in zero-padded 3-digit elements, all but the last
 * prefixed with {@code x} (1234067 becomes {@code x001/x234/067}); {@code .p/<W>} marks a partial tile
 * of {@code W} (1 to 255) entries.
 *
 * @param kind what the path names
 * @param level the tile level, 0 to 63 for hash tiles and 0 otherwise
 * @param index the tile index N within the level, {@code >= 0}
 * @param width the number of hashes or entries, 1 to {@value #FULL_WIDTH}
 */
public record TilePath(Kind kind, int level, long index, int width) {
  /** Entries per full tile. */
  public static final int FULL_WIDTH = 256;

  /** The resources of a tiled log. */
  public enum Kind {
    /** A hash tile {@code tile/<L>/...}. */
    HASH,
    /** A tlog-tiles entry bundle {@code tile/entries/...}. */
    ENTRIES,
    /** A static-ct-api data tile {@code tile/data/...}. */
    DATA
  }

  public TilePath {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (kind == Kind.HASH ? level < 0 || level > 63 : level != 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "level must be in [0, 63] for hash tiles and 0 otherwise, was %d for %s", level, kind));
    }
    if (index < 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "index must be >= 0, was %d", index));
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "width must be in [1, %d], was %d", FULL_WIDTH, width));
    }
  }

  /** The hash tile at {@code level} and {@code index}; {@code width} 256 means a full tile. */
  public static TilePath ofHashTile(int level, long index, int width) {
    return new TilePath(Kind.HASH, level, index, width);
  }

  /** The entry bundle {@code index}; {@code width} 256 means a full bundle. */
  public static TilePath ofEntryBundle(long index, int width) {
    return new TilePath(Kind.ENTRIES, 0, index, width);
  }

  /** Path string of a hash tile, for example {@code tile/0/x001/x234/067.p/8}. */
  public static String hashTile(int level, long index, int width) {
    return ofHashTile(level, index, width).path();
  }

  /** Path string of an entry bundle, for example {@code tile/entries/x001/x234/067}. */
  public static String entryBundle(long index, int width) {
    return ofEntryBundle(index, width).path();
  }

  /** Whether this tile holds fewer than {@value #FULL_WIDTH} entries. */
  public boolean isPartial() {
    return width < FULL_WIDTH;
  }

  /** The relative path, in the canonical form {@link #parse} accepts. */
  public String path() {
    StringBuilder sb = new StringBuilder("tile/");
    sb.append(switch (kind) {
      case HASH -> Integer.toString(level);
      case ENTRIES -> "entries";
      case DATA -> "data";
    });
    String digits = Long.toString(index);
    int pad = (3 - digits.length() % 3) % 3;
    digits = "0".repeat(pad) + digits;
    for (int i = 0; i < digits.length(); i += 3) {
      sb.append(i + 3 < digits.length() ? "/x" : "/").append(digits, i, i + 3);
    }
    if (isPartial()) {
      sb.append(".p/").append(width);
    }
    return sb.toString();
  }

  /**
   * Parses a canonical tile path as {@link #path()} writes it (no leading slash, no log prefix).
   *
   * @throws TileException if the path is not a canonical tile path
   */
  public static TilePath parse(String path) throws TileException {
    String[] parts = path.split("/", -1);
    if (parts.length < 3 || !parts[0].equals("tile")) {
      throw bad(path, "want tile/<L>/<N>[.p/<W>]");
    }
    int end = parts.length;
    int width = FULL_WIDTH;
    if (parts[end - 2].endsWith(".p")) {
      width = parseDecimal(path, parts[end - 1], "width");
      parts[end - 2] = parts[end - 2].substring(0, parts[end - 2].length() - 2);
      end--;
      if (width >= FULL_WIDTH) {
        throw bad(path, "partial width must be in [1, 255], was " + width);
      }
    }
    Kind kind;
    int level = 0;
    switch (parts[1]) {
      case "entries" -> kind = Kind.ENTRIES;
      case "data" -> kind = Kind.DATA;
      default -> {
        kind = Kind.HASH;
        level = parseDecimal(path, parts[1], "level");
      }
    }
    if (end <= 2 || end - 2 > 7) {
      throw bad(path, "want 1 to 7 index elements, got " + (end - 2));
    }
    long index = 0;
    for (int i = 2; i < end; i++) {
      String element = parts[i];
      boolean last = i == end - 1;
      if (!last) {
        if (!element.startsWith("x")) {
          throw bad(path, "index element '" + element + "' must start with x");
        }
        element = element.substring(1);
      }
      if (element.length() != 3 || !element.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw bad(path, "index element '" + parts[i] + "' must have 3 digits");
      }
      try {
        index = Math.addExact(Math.multiplyExact(index, 1000L), Integer.parseInt(element));
      } catch (ArithmeticException e) {
        throw bad(path, "index does not fit in 63 bits");
      }
    }
    TilePath parsed;
    try {
      parsed = new TilePath(kind, level, index, width);
    } catch (IllegalArgumentException e) {
      throw new TileException("bad tile path '" + path + "': " + e.getMessage(), e);
    }
    if (!parsed.path().equals(path)) {
      throw bad(path, "not canonical, want '" + parsed.path() + "'");
    }
    return parsed;
  }

  private static int parseDecimal(String path, String s, String what) throws TileException {
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(path, what + " must be a decimal number, was '" + s + "'");
    }
    return Integer.parseInt(s);
  }

  private static TileException bad(String path, String why) {
    return new TileException("bad tile path '" + path + "': " + why);
  }

  @Override
  public String toString() {
    return path();
  }
}
