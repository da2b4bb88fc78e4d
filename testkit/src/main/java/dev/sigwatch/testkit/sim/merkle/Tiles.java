package dev.sigwatch.testkit.sim.merkle;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * C2SP tlog-tiles: parses tile paths ({@code <L>/<N>[.p/<W>]}, N as "x001/x234/067") and renders hash tiles and
 * data tiles of a {@link SimTree}. Stateless.
 */
public final class Tiles {
  public static final int WIDTH = 256;

  private Tiles() {}

  /** A parsed tile request: level ({@code -1} for a data/entries tile), index, width (1..256). */
  public record TileRef(int level, long index, int width) {
    public TileRef {
      if (index < 0) throw new IllegalArgumentException("index must be >= 0, was " + index);
      if (width < 1 || width > WIDTH) throw new IllegalArgumentException("width must be in [1, 256], was " + width);
    }
  }

  /** Encodes {@code n} as path groups: 1234067 → "x001/x234/067". */
  public static String indexPath(long n) {
    String s = String.format(Locale.ROOT, "%03d", n % 1000);
    for (n /= 1000; n > 0; n /= 1000) s = String.format(Locale.ROOT, "x%03d/", n % 1000) + s;
    return s;
  }

  /**
   * Parses {@code rest} = "<N>[.p/<W>]" (after "tile/<L>/" or "tile/data/"); returns null when malformed.
   */
  public static TileRef parse(int level, String rest) {
    int width = WIDTH;
    int p = rest.indexOf(".p/");
    if (p >= 0) {
      try {
        width = Integer.parseInt(rest.substring(p + 3));
      } catch (NumberFormatException e) {
        return null;
      }
      if (width < 1 || width >= WIDTH) return null;
      rest = rest.substring(0, p);
    }
    long n = 0;
    String[] groups = rest.split("/");
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      boolean last = i == groups.length - 1;
      if (!last) {
        if (!g.startsWith("x")) return null;
        g = g.substring(1);
      }
      if (g.length() != 3 || !g.chars().allMatch(Character::isDigit)) return null;
      n = n * 1000 + Integer.parseInt(g);
    }
    return new TileRef(level, n, width);
  }

  /** Hash tile bytes (width × 32), or null if the tile isn't available at {@code treeSize}. */
  public static byte[] hashTile(SimTree tree, long treeSize, TileRef ref) {
    int shift = 8 * ref.level();
    long nodesAtLevel = treeSize >>> shift;
    long first = ref.index() * WIDTH;
    if (first + ref.width() > nodesAtLevel) return null;
    byte[] out = new byte[ref.width() * 32];
    for (int i = 0; i < ref.width(); i++) {
      System.arraycopy(tree.node(shift, first + i), 0, out, i * 32, 32);
    }
    return out;
  }

  /** Data tile: entries [index*256, +width) each written by {@code entry} with a uint16 length (if prefixed). */
  public static byte[] dataTile(long treeSize, TileRef ref, LongFunction<byte[]> entry, boolean uint16Prefix) {
    long first = ref.index() * WIDTH;
    if (first + ref.width() > treeSize) return null;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ref.width(); i++) {
      byte[] e = entry.apply(first + i);
      if (uint16Prefix) {
        out.write(e.length >>> 8);
        out.write(e.length);
      }
      out.writeBytes(e);
    }
    return out.toByteArray();
  }

  /** Splits "tile/<L>/<rest>" or "tile/<dataName>/<rest>" and dispatches; returns null when not a tile path. */
  public static TileRef parsePath(String path, String dataName) {
    if (!path.startsWith("tile/")) return null;
    String p = path.substring(5);
    int slash = p.indexOf('/');
    if (slash < 0) return null;
    String head = p.substring(0, slash);
    String rest = p.substring(slash + 1);
    if (head.equals(dataName)) return parse(-1, rest);
    if (head.isEmpty() || head.length() > 2 || !head.chars().allMatch(Character::isDigit)) return null;
    return parse(Integer.parseInt(head), rest);
  }

}
