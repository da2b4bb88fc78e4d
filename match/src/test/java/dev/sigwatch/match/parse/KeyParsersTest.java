package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.junit.jupiter.api.Test;

class KeyParsersTest {
  /** Published minisign test key (jedisct1/rust-minisign-verify); minisign prints its id as E7620F1842B4E81F. */
  static final String MINISIGN = "untrusted comment: minisign public key E7620F1842B4E81F\n"
      + "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";

  static byte[] sshString(byte[]... parts) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    for (byte[] p : parts) {
      d.writeInt(p.length);
      d.write(p);
    }
    return b.toByteArray();
  }

  static String sshFingerprint(byte[] blob) throws Exception {
    return "SHA256:" + Base64.getEncoder().withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
  }

  @Test
  void sshEd25519FingerprintIsSha256OfTheWireBlobAndTheCommentIsTheSubject() throws Exception {
    byte[] spki = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    byte[] blob = sshString("ssh-ed25519".getBytes(StandardCharsets.US_ASCII), raw);
    String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " alice@laptop";
    Signer.Key k = (Signer.Key) Verifiers.decode(line.getBytes(StandardCharsets.UTF_8), null);
    assertThat(k.keyType()).isEqualTo("ssh");
    assertThat(k.fingerprints()).containsExactly(sshFingerprint(blob));
    assertThat(k.fingerprints().get(0)).doesNotEndWith("=").hasSize("SHA256:".length() + 43);
    assertThat(k.subjects()).containsExactly("alice@laptop");
  }

  @Test
  void sshEcdsaKeyWithoutCommentHasNoSubject() throws Exception {
    ECPublicKey pub = (ECPublicKey) TestKeys.ec().getPublic();
    byte[] q = new byte[65];
    q[0] = 4;
    byte[] x = pub.getW().getAffineX().toByteArray();
    byte[] y = pub.getW().getAffineY().toByteArray();
    System.arraycopy(x, Math.max(0, x.length - 32), q, 1 + Math.max(0, 32 - x.length), Math.min(32, x.length));
    System.arraycopy(y, Math.max(0, y.length - 32), q, 33 + Math.max(0, 32 - y.length), Math.min(32, y.length));
    byte[] blob = sshString("ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII),
        "nistp256".getBytes(StandardCharsets.US_ASCII), q);
    Signer.Key k = SshKeys.parse("ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob));
    assertThat(k.fingerprints()).containsExactly(sshFingerprint(blob));
    assertThat(k.subjects()).isEmpty();
  }

  @Test
  void malformedSshKeysSayWhatIsWrong() throws Exception {
    byte[] blob = sshString("ssh-ed25519".getBytes(StandardCharsets.US_ASCII), new byte[32]);
    String b64 = Base64.getEncoder().encodeToString(blob);
    assertThatThrownBy(() -> SshKeys.parse("ssh-rsa " + b64 + " c")).isInstanceOf(EntryParseException.class)
        .hasMessage("ssh public key: blob does not start with its type 'ssh-rsa'");
    assertThatThrownBy(() -> SshKeys.parse("ssh-ed25519")).hasMessage(
        "ssh public key: want '<type> <base64> [comment]', got 1 field(s)");
    assertThatThrownBy(() -> SshKeys.parse("ssh-ed25519 AAA")).hasMessage(
        "ssh public key: blob of 2 bytes is too short");
    assertThatThrownBy(() -> SshKeys.parse("ssh-ed25519 !!!!")).hasMessageStartingWith(
        "ssh public key: key blob is not base64: ");
    // Length prefix larger than the blob.
    byte[] lying = blob.clone();
    lying[3] = 100;
    assertThatThrownBy(() -> SshKeys.parse("ssh-ed25519 " + Base64.getEncoder().encodeToString(lying)))
        .hasMessage("ssh public key: blob does not start with its type 'ssh-ed25519'");
  }

  @Test
  void minisignPublishedKeyHasTheIdMinisignPrints() throws Exception {
    Signer.Key k = (Signer.Key) Verifiers.decode(MINISIGN.getBytes(StandardCharsets.UTF_8), null);
    assertThat(k.keyType()).isEqualTo("minisign");
    byte[] raw = Base64.getDecoder().decode("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3");
    assertThat(k.fingerprints()).containsExactly("E7620F1842B4E81F",
        TestKeys.sha256Hex(Arrays.copyOfRange(raw, 10, 42)));
  }

  /** The sniffing check on bytes says what the one on the ISO-8859-1 string says, on keys and near misses. */
  @Test
  void minisignSniffingOnBytesAgreesWithTheString() {
    String key = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
    List<String> texts = List.of(MINISIGN, key, " \t" + key + " \n\n", MINISIGN + "\n", "x\n  " + key,
        key.substring(1), key + "A", "rw" + key.substring(2), "x\n" + key + "\ny", "", " ", "\n", "R", "RW",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" + key, key + "\u00e9", "\u00a0" + key,
        "\u0001" + key + "\u0000");
    int yes = 0;
    for (String t : texts) {
      boolean want = MinisignKeys.looksLike(t);
      assertThat(MinisignKeys.looksLike(t.getBytes(StandardCharsets.ISO_8859_1))).as(t).isEqualTo(want);
      yes += want ? 1 : 0;
    }
    assertThat(yes).isGreaterThanOrEqualTo(5);
  }

  @Test
  void malformedMinisignKeys() {
    // 'Ed' header replaced by 'Ez' (base64 of 42 bytes).
    byte[] raw = Base64.getDecoder().decode("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3");
    raw[1] = 'z';
    assertThatThrownBy(() -> MinisignKeys.parse(Base64.getEncoder().encodeToString(raw)))
        .hasMessage("minisign public key: want 42 bytes starting with 'Ed', got 42 bytes");
    assertThatThrownBy(() -> MinisignKeys.parse("RWQf6LRC")).hasMessage(
        "minisign public key: want 42 bytes starting with 'Ed', got 6 bytes");
    assertThatThrownBy(() -> MinisignKeys.parse("RW*f")).hasMessageStartingWith("minisign public key: not base64: ");
  }

  @Test
  void pgpFingerprintIsTheRfc4880V4FingerprintAndSubjectsAreUserIdEmails() throws Exception {
    PGPPublicKeyRing ring = Pgp.ring("Rpm Packager (signing) <packager@example.org>");
    String want = Pgp.v4Fingerprint(ring.getPublicKey());
    assertThat(want).hasSize(40);
    for (byte[] encoding : List.of(Pgp.armored(ring), ring.getEncoded())) {
      Signer.Key k = (Signer.Key) Verifiers.decode(encoding, null);
      assertThat(k.keyType()).isEqualTo("pgp");
      assertThat(k.fingerprints()).containsExactly(want);
      assertThat(k.subjects()).containsExactly("packager@example.org");
    }
    Signer.Key noEmail = PgpKeys.parse(Pgp.armored(Pgp.ring("Release Bot")));
    assertThat(noEmail.subjects()).containsExactly("Release Bot");
  }

  @Test
  void malformedPgpKeys() throws Exception {
    byte[] armored = Pgp.armored(Pgp.ring("a <a@example.org>"));
    byte[] cut = Arrays.copyOf(armored, armored.length / 2);
    assertThatThrownBy(() -> PgpKeys.parse(cut)).isInstanceOf(EntryParseException.class)
        .hasMessageStartingWith("pgp public key: ");
    assertThatThrownBy(() -> Verifiers.decode("not a key".getBytes(StandardCharsets.UTF_8), "pgp"))
        .hasMessageStartingWith("pgp public key: ");
  }
}
