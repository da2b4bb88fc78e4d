package dev.sigwatch.match.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * OpenPGP public keys (armored or binary): the primary key's fingerprint (hex SHA-1 for v4 keys) and the e-mail
 * addresses of its user IDs (the whole user ID when it has none), as Rekor reports them.
 */
final class PgpKeys {
  private PgpKeys() {}

  static boolean looksLike(byte[] content) {
    String head = new String(content, 0, Math.min(content.length, 40), java.nio.charset.StandardCharsets.US_ASCII);
    // Armored, or a binary public-key packet (old format tag 6: 0x98/0x99; new format: 0xC6).
    return head.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK")
        || (content.length > 0 && ((content[0] & 0xfc) == 0x98 || (content[0] & 0xff) == 0xc6));
  }

  static Signer.Key parse(byte[] content) throws EntryParseException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(content))) {
      PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
      List<String> fingerprints = new ArrayList<>();
      List<String> subjects = new ArrayList<>();
      for (Iterator<PGPPublicKeyRing> it = rings.getKeyRings(); it.hasNext(); ) {
        PGPPublicKey primary = it.next().getPublicKey();
        fingerprints.add(HexFormat.of().formatHex(primary.getFingerprint()));
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext(); ) {
          subjects.add(email(ids.next()));
        }
      }
      if (fingerprints.isEmpty()) {
        throw new EntryParseException("pgp public key: no key ring found");
      }
      return new Signer.Key("pgp", fingerprints, subjects);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new EntryParseException("pgp public key: " + e.getMessage(), e);
    }
  }

  /** {@code "Alice <alice@example.com>"} → {@code alice@example.com}; otherwise the user ID itself. */
  static String email(String userId) {
    int lt = userId.lastIndexOf('<');
    int gt = userId.lastIndexOf('>');
    if (lt >= 0 && gt > lt + 1) {
      return userId.substring(lt + 1, gt);
    }
    return userId.trim();
  }
}
