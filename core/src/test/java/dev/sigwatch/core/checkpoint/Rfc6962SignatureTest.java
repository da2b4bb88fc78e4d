package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 6962 tree head signatures, as {@code get-sth} answers and as C2SP 0x05 note signatures. The
 * fixtures have no CT tree heads, so these sign synthetic ones with fresh ECDSA and RSA keys; the
 * signed bytes are assembled here by hand from RFC 6962 §3.5, independently of the code under test.
 */
class Rfc6962SignatureTest {
  private static final byte[] ROOT = new byte[32];

  static {
    Arrays.fill(ROOT, (byte) 0xab);
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** TreeHeadSignature: version 0, signature_type 1, timestamp, tree_size, root. */
  private static byte[] treeHeadSignature(long ts, long size, byte[] root) {
    byte[] b = new byte[50];
    b[0] = 0;
    b[1] = 1;
    ByteBuffer.wrap(b, 2, 16).putLong(ts).putLong(size);
    System.arraycopy(root, 0, b, 18, 32);
    return b;
  }

  private static DigitallySigned sign(KeyPair kp, byte[] data) throws Exception {
    boolean isEc = kp.getPublic().getAlgorithm().equals("EC");
    Signature s = Signature.getInstance(isEc ? "SHA256withECDSA" : "SHA256withRSA");
    s.initSign(kp.getPrivate());
    s.update(data);
    return new DigitallySigned(4, isEc ? 3 : 1, s.sign());
  }

  @Test
  void verifiesSignedTreeHeadsWithEcdsaAndRsaKeys() throws Exception {
    for (KeyPair kp : List.of(ec(), rsa())) {
      long ts = 1_700_000_000_123L;
      SignedTreeHead sth = new SignedTreeHead(42, ts, ROOT, sign(kp, treeHeadSignature(ts, 42, ROOT)));
      assertThat(sth.signedData()).isEqualTo(treeHeadSignature(ts, 42, ROOT));
      sth.verify(kp.getPublic());

      SignedTreeHead bigger = new SignedTreeHead(43, ts, ROOT, sth.signature());
      assertThatThrownBy(() -> bigger.verify(kp.getPublic()))
          .isInstanceOf(NoteVerificationException.class)
          .hasMessage("bad tree head signature for tree size 43 at 1700000000123");
      SignedTreeHead later = new SignedTreeHead(42, ts + 1, ROOT, sth.signature());
      assertThatThrownBy(() -> later.verify(kp.getPublic())).isInstanceOf(NoteVerificationException.class);
    }
  }

  @Test
  void rejectsASignatureAlgorithmThatDoesNotFitTheKey() throws Exception {
    KeyPair kp = ec();
    DigitallySigned good = sign(kp, treeHeadSignature(1, 1, ROOT));
    DigitallySigned claimedRsa = new DigitallySigned(4, 1, good.signature());
    DigitallySigned sha384 = new DigitallySigned(5, 3, good.signature());
    assertThat(good.verify(kp.getPublic(), treeHeadSignature(1, 1, ROOT))).isTrue();
    assertThat(claimedRsa.verify(kp.getPublic(), treeHeadSignature(1, 1, ROOT))).isFalse();
    assertThat(sha384.verify(kp.getPublic(), treeHeadSignature(1, 1, ROOT))).isFalse();
  }

  @Test
  void digitallySignedRoundTripsAndChecksItsLength() throws Exception {
    DigitallySigned d = new DigitallySigned(4, 3, new byte[] {1, 2, 3});
    assertThat(d.encode()).containsExactly(4, 3, 0, 3, 1, 2, 3);
    assertThat(DigitallySigned.parse(d.encode())).isEqualTo(d);
    assertThatThrownBy(() -> DigitallySigned.parse(new byte[] {4, 3, 0, 4, 1, 2, 3}))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("malformed DigitallySigned: signature length 4, but 3 bytes follow");
  }

  /** A static-ct-api checkpoint: RFC6962NoteSignature = u64 timestamp ‖ DigitallySigned. */
  private static String staticCtCheckpoint(KeyPair kp, String origin, String body, long size, long ts)
      throws Exception {
    byte[] spkiHash = MessageDigest.getInstance("SHA-256").digest(kp.getPublic().getEncoded());
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update((origin + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    md.update((byte) 0x05);
    md.update(spkiHash);
    int keyId = ByteBuffer.wrap(md.digest(), 0, 4).getInt();
    byte[] ds = sign(kp, treeHeadSignature(ts, size, ROOT)).encode();
    byte[] payload = ByteBuffer.allocate(8 + ds.length).putLong(ts).put(ds).array();
    return new SignedNote(body, List.of(new NoteSignature(origin, keyId, payload))).toText();
  }

  @Test
  void verifiesRfc6962NoteSignaturesOfStaticCtCheckpoints() throws Exception {
    for (KeyPair kp : List.of(ec(), rsa())) {
      String origin = "log2026-1.ctfe.example.dev";
      String body = origin + "\n1234\n" + java.util.Base64.getEncoder().encodeToString(ROOT) + "\n";
      String note = staticCtCheckpoint(kp, origin, body, 1234, 1_750_000_000_000L);
      NoteKey key = NoteKey.rfc6962(origin, kp.getPublic());
      assertThat(key.keyId()).isEqualTo(SignedNote.parse(note).signatures().get(0).keyId());

      VerifiedCheckpoint v = new NoteVerifier(List.of(key)).verifyCheckpoint(note);
      assertThat(v.result().verified().get(0).timestamp()).hasValue(1_750_000_000_000L);
      assertThat(v.checkpoint().size()).isEqualTo(1234);

      // Signed for size 1234 but claims 1235.
      String lie = staticCtCheckpoint(kp, origin, body.replace("\n1234\n", "\n1235\n"), 1234, 1_750_000_000_000L);
      assertThatThrownBy(() -> new NoteVerifier(List.of(key)).verifyCheckpoint(lie))
          .isInstanceOf(NoteVerificationException.class)
          .hasMessage("bad signature from key " + key.id());
      // static-ct-api: no extension lines under an RFC 6962 signature.
      String ext = staticCtCheckpoint(kp, origin, body + "ext\n", 1234, 1_750_000_000_000L);
      assertThatThrownBy(() -> new NoteVerifier(List.of(key)).verifyCheckpoint(ext))
          .hasMessage("bad signature from key " + key.id());
    }
  }
}
