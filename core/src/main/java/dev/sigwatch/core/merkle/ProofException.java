package dev.sigwatch.core.merkle;

/** A Merkle proof, frontier or tree size that does not verify or does not have the expected shape. */
public class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProofException(String message) {
    super(message);
  }

  public ProofException(String message, Throwable cause) {
    super(message, cause);
  }
}
