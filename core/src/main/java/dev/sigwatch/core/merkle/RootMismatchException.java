package dev.sigwatch.core.merkle;

import java.util.HexFormat;

/** The root computed from a proof differs from the expected root. Carries both. */
public final class RootMismatchException extends ProofException {
  private static final long serialVersionUID = 1L;

  private final byte[] got;
  private final byte[] want;

  /**
   * @param got the root calculated from the proof
   * @param want the root the caller expected (for example from a signed checkpoint)
   */
  public RootMismatchException(byte[] got, byte[] want) {
    super("calculated root " + HexFormat.of().formatHex(got) + " does not match expected root "
        + HexFormat.of().formatHex(want));
    this.got = got.clone();
    this.want = want.clone();
  }

  /** The root calculated from the proof (a copy). */
  public byte[] got() {
    return got.clone();
  }

  /** The expected root (a copy). */
  public byte[] want() {
    return want.clone();
  }
}
