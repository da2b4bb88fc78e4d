package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoteKeyTest {
  private static final String VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

  @Test
  void parsesVkeyAndRecomputesItsId() throws Exception {
    NoteKey k = NoteKey.parseVkey(VKEY);
    assertThat(k.name()).isEqualTo("example.com/foo");
    assertThat(k.keyIdHex()).isEqualTo("530d903a");
    assertThat(k.type()).isEqualTo(NoteKeyType.ED25519);
    byte[] raw = Arrays.copyOfRange(Base64.getDecoder().decode("AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"), 1, 33);
    assertThat(NoteKey.rawEd25519(k.publicKey())).isEqualTo(raw);
    assertThat(NoteKey.ed25519("example.com/foo", k.publicKey()).keyId()).isEqualTo(k.keyId());
  }

  @Test
  void witnessKeyIdIsSha256OfNameNewline04Key() throws Exception {
    NoteKey k = NoteKey.parseVkey("witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv");
    assertThat(k.type()).isEqualTo(NoteKeyType.COSIGNATURE_V1);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update("witness.stagemole.eu\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    md.update((byte) 4);
    md.update(NoteKey.rawEd25519(k.publicKey()));
    assertThat(Arrays.copyOf(md.digest(), 4)).containsExactly(0x67, 0xf7, 0xae, 0xa0);
  }

  @Test
  void rejectsBadVkeys() {
    assertThatThrownBy(() -> NoteKey.parseVkey("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("vkey example.com/foo: key ID 530d903b does not match key, want 530d903a");
    assertThatThrownBy(() -> NoteKey.parseVkey("example.com/foo+530d903a"))
        .hasMessage("malformed vkey \"example.com/foo+530d903a\": want <name>+<hex key ID>+<base64 key>");
    assertThatThrownBy(() -> NoteKey.parseVkey("example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"))
        .isInstanceOf(NoteFormatException.class);
  }

  @Test
  void verifierRejectsDuplicateKeysAndEmptySets() throws Exception {
    NoteKey k = NoteKey.parseVkey(VKEY);
    assertThatThrownBy(() -> new NoteVerifier(List.of(k, k))).hasMessage("two trusted keys named example.com/foo+530d903a");
    assertThatThrownBy(() -> new NoteVerifier(List.of())).hasMessage("a note verifier needs at least one key");
  }

  @Test
  void keyTypeMustFitTheKey() throws Exception {
    PublicKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
    assertThatThrownBy(() -> new NoteKey("n", 1, NoteKeyType.ED25519, ec)).hasMessage("ED25519 key n cannot be a EC key");
    assertThat(NoteKey.ecdsaRekorV1("n", ec).keyId())
        .isEqualTo(java.nio.ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(ec.getEncoded())).getInt());
    assertThatThrownBy(() -> new NoteKey("a b", 1, NoteKeyType.ECDSA_REKOR_V1, ec)).hasMessage("invalid key name \"a b\"");
  }
}
