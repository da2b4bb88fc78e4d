package dev.sigwatch.core.checkpoint;

/** The signature algorithms a {@link NoteKey} can verify, with their C2SP signature type byte. */
public enum NoteKeyType {
  /** C2SP Ed25519 (0x01) over the note text; Rekor v2 checkpoints. */
  ED25519(0x01),
  /**
   * ECDSA with SHA-256 over the note text, ASN.1 DER signature; Rekor v1 checkpoints. Its key ID is
   * not C2SP's: it is SHA-256(SPKI DER)[0:4], the first four bytes of the Rekor log ID.
   */
  ECDSA_REKOR_V1(-1),
  /** C2SP tlog-cosignature/v1 (0x04): timestamped Ed25519 witness cosignatures. */
  COSIGNATURE_V1(0x04),
  /** RFC 6962 TreeHeadSignature (0x05), as in c2sp.org/static-ct-api checkpoints. */
  RFC6962_STH(0x05);

  private final int typeByte;

  NoteKeyType(int typeByte) {
    this.typeByte = typeByte;
  }

  /** The C2SP signature type byte, or -1 if the type has none (Rekor v1 ECDSA). */
  public int typeByte() {
    return typeByte;
  }
}
