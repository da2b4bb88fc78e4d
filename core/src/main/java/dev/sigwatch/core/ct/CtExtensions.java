package dev.sigwatch.core.ct;

import java.util.OptionalLong;

/**
 * The static-ct-api CtExtensions format: a list of {uint8 type; opaque data<0..2^16-1>}, of which type 0
 * is leaf_index (a uint40).
 */
public final class CtExtensions {
  public static final int LEAF_INDEX = 0;
  private static final long MAX_LEAF_INDEX = (1L << 40) - 1;

  private CtExtensions() {}

  /** The leaf_index extension of {@code extensions} (without length prefix), empty if absent. */
  public static OptionalLong leafIndex(byte[] extensions) throws CtFormatException {
    TlsReader r = new TlsReader(extensions);
    OptionalLong found = OptionalLong.empty();
    while (r.remaining() > 0) {
      int type = (int) r.uint(1, "extension_type");
      TlsReader data = r.sub(2, "extension_data");
      if (type == LEAF_INDEX) {
        if (found.isPresent()) {
          throw new CtFormatException("leaf_index: duplicate extension");
        }
        found = OptionalLong.of(data.uint(5, "leaf_index"));
        data.expectEnd("leaf_index");
      }
    }
    return found;
  }

  /** CtExtensions holding only leaf_index (8 bytes, as static-ct logs issue them). */
  public static byte[] ofLeafIndex(long leafIndex) {
    if (leafIndex < 0 || leafIndex > MAX_LEAF_INDEX) {
      throw new IllegalArgumentException("leafIndex must be in 0..2^40-1, was " + leafIndex);
    }
    return new TlsWriter().uint(LEAF_INDEX, 1).opaque(new TlsWriter().uint(leafIndex, 5).toByteArray(), 2)
        .toByteArray();
  }
}
