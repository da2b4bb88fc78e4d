package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies signed notes and checkpoints against a fixed set of trusted {@link NoteKey}s, following
 * C2SP signed-note: a signature whose (name, key ID) matches no trusted key is ignored; one that
 * matches must verify, else the whole note is rejected; and at least one must verify.
 *
 * <p>Immutable and safe to use from several threads at once.
 */
public final class NoteVerifier {
  private final Map<String, NoteKey> keys;

  /**
   * @param keys trusted keys; no two may share both name and key ID
   */
  public NoteVerifier(Collection<NoteKey> keys) {
    Map<String, NoteKey> m = new LinkedHashMap<>();
    for (NoteKey k : keys) {
      if (m.put(k.id(), k) != null) {
        throw new IllegalArgumentException("two trusted keys named " + k.id());
      }
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException("a note verifier needs at least one key");
    }
    this.keys = Map.copyOf(m);
  }

  /** The trusted keys. */
  public List<NoteKey> keys() {
    return List.copyOf(keys.values());
  }

  /**
   * Verifies every signature from a trusted key.
   *
   * @throws NoteVerificationException if a signature from a trusted key is bad, or none verifies
   */
  public VerificationResult verify(SignedNote note) throws NoteVerificationException {
    List<VerifiedSignature> verified = new ArrayList<>();
    List<NoteSignature> ignored = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NoteSignature sig : note.signatures()) {
      String id = sig.name() + "+" + sig.keyIdHex();
      NoteKey key = keys.get(id);
      if (key == null) {
        ignored.add(sig);
        continue;
      }
      OptionalLong ts = verifyOne(key, note, sig);
      if (ts == null) {
        throw new NoteVerificationException("bad signature from key " + id);
      }
      if (seen.add(id)) {
        verified.add(new VerifiedSignature(key, ts));
      }
    }
    if (verified.isEmpty()) {
      String got = note.signatures().stream().map(s -> s.name() + "+" + s.keyIdHex()).collect(Collectors.joining(", "));
      String want = keys.keySet().stream().sorted().collect(Collectors.joining(", "));
      throw new NoteVerificationException(
          "no signature from a trusted key: got [" + got + "], want one of [" + want + "]");
    }
    return new VerificationResult(note, verified, ignored);
  }

  /** Parses a signed checkpoint and verifies it; see {@link #verify(SignedNote)}. */
  public VerifiedCheckpoint verifyCheckpoint(String signedNote)
      throws NoteFormatException, NoteVerificationException {
    SignedNote note = SignedNote.parse(signedNote);
    Checkpoint checkpoint = Checkpoint.from(note);
    return new VerifiedCheckpoint(checkpoint, verify(note));
  }

  /** @return the signature's timestamp (or empty) if it verifies, null if it does not */
  private static OptionalLong verifyOne(NoteKey key, SignedNote note, NoteSignature sig) {
    byte[] payload = sig.signature();
    return switch (key.type()) {
      case ED25519 -> verifyEd25519(key.publicKey(), note.textBytes(), payload)
          ? OptionalLong.empty() : null;
      case ECDSA_REKOR_V1 -> verifySig("SHA256withECDSA", key.publicKey(), note.textBytes(), payload)
          ? OptionalLong.empty() : null;
      case COSIGNATURE_V1 -> verifyCosignature(key.publicKey(), note, payload);
      case RFC6962_STH -> verifyRfc6962(key.publicKey(), note, payload);
    };
  }

  private static OptionalLong verifyCosignature(PublicKey key, SignedNote note, byte[] payload) {
    Cosignature c;
    try {
      c = Cosignature.parse(payload);
    } catch (NoteFormatException e) {
      return null;
    }
    byte[] msg = Cosignature.signedMessage(c.timestamp(), note.text());
    return verifyEd25519(key, msg, c.signature()) ? OptionalLong.of(c.timestamp()) : null;
  }

  private static OptionalLong verifyRfc6962(PublicKey key, SignedNote note, byte[] payload) {
    if (payload.length < 8) {
      return null;
    }
    Checkpoint cp;
    DigitallySigned ds;
    try {
      cp = Checkpoint.from(note);
      ds = DigitallySigned.parse(Arrays.copyOfRange(payload, 8, payload.length));
    } catch (NoteFormatException e) {
      return null;
    }
    if (!cp.extensions().isEmpty()) {
      return null; // static-ct-api: an RFC 6962 signed checkpoint MUST NOT carry extensions
    }
    long ts = ByteBuffer.wrap(payload, 0, 8).getLong();
    byte[] signed = SignedTreeHead.signedData(cp.size(), ts, cp.rootHash());
    return ds.verify(key, signed) ? OptionalLong.of(ts) : null;
  }

  /**
   * Ed25519 through BouncyCastle's RFC 8032 implementation: the same strict verification as the
   * JDK provider, and faster than JDK 17's pure-Java EdDSA (see CheckpointVerifyBench).
   */
  private static boolean verifyEd25519(PublicKey key, byte[] msg, byte[] sig) {
    if (sig.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    return Ed25519.verify(sig, 0, NoteKey.rawEd25519(key), 0, msg, 0, msg.length);
  }

  private static boolean verifySig(String alg, PublicKey key, byte[] msg, byte[] sig) {
    try {
      Signature s = Signature.getInstance(alg);
      s.initVerify(key);
      s.update(msg);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // malformed signature encoding: a bad signature, not a crash
    }
  }
}
