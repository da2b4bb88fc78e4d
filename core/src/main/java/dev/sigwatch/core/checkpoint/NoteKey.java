package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * A key trusted to sign notes, identified (as in C2SP signed-note) by its name and 32-bit key ID.
 *
 * @param name the key name; signature lines must carry exactly this name
 * @param keyId the key ID signature lines must carry
 * @param type the signature algorithm
 * @param publicKey the verification key (Ed25519 for ED25519 and COSIGNATURE_V1, EC for
 *     ECDSA_REKOR_V1, EC or RSA for RFC6962_STH)
 */
public record NoteKey(String name, int keyId, NoteKeyType type, PublicKey publicKey) {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  public NoteKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(publicKey, "publicKey");
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid key name \"" + name + "\"");
    }
    boolean ed = publicKey.getAlgorithm().equals("Ed25519") || publicKey.getAlgorithm().equals("EdDSA");
    boolean ok =
        switch (type) {
          case ED25519, COSIGNATURE_V1 -> ed;
          case ECDSA_REKOR_V1 -> publicKey.getAlgorithm().equals("EC");
          case RFC6962_STH -> publicKey.getAlgorithm().equals("EC") || publicKey.getAlgorithm().equals("RSA");
        };
    if (!ok) {
      throw new IllegalArgumentException(
          type + " key " + name + " cannot be a " + publicKey.getAlgorithm() + " key");
    }
  }

  /** C2SP: key names are non-empty and contain no Unicode spaces and no '+'. */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c));
  }

  /** An Ed25519 (0x01) key with its C2SP key ID. */
  public static NoteKey ed25519(String name, PublicKey key) {
    return new NoteKey(name, c2spKeyId(name, 0x01, rawEd25519(key)), NoteKeyType.ED25519, key);
  }

  /** A cosignature/v1 (0x04) witness key with its C2SP key ID. */
  public static NoteKey cosignature(String name, PublicKey key) {
    return new NoteKey(
        name, c2spKeyId(name, 0x04, rawEd25519(key)), NoteKeyType.COSIGNATURE_V1, key);
  }

  /** A Rekor v1 ECDSA key; key ID = SHA-256(SPKI DER)[0:4]. */
  public static NoteKey ecdsaRekorV1(String name, PublicKey key) {
    return new NoteKey(
        name, first4(sha256(key.getEncoded())), NoteKeyType.ECDSA_REKOR_V1, key);
  }

  /** An RFC 6962 STH (0x05) key; key ID = SHA-256(name ‖ 0x0A ‖ 0x05 ‖ SHA-256(SPKI DER))[0:4]. */
  public static NoteKey rfc6962(String name, PublicKey key) {
    return new NoteKey(
        name, c2spKeyId(name, 0x05, sha256(key.getEncoded())), NoteKeyType.RFC6962_STH, key);
  }

  /**
   * Parses a C2SP verifier key {@code <name>+<hex key ID>+<base64(type ‖ key)>}; types 0x01
   * (Ed25519) and 0x04 (cosignature/v1) are supported. The key ID must match the key.
   */
  public static NoteKey parseVkey(String vkey) throws NoteFormatException {
    String[] parts = vkey.strip().split("\\+", 3);
    if (parts.length != 3) {
      throw new NoteFormatException(
          "malformed vkey \"" + vkey + "\": want <name>+<hex key ID>+<base64 key>");
    }
    String name = parts[0];
    if (!isValidName(name) || !parts[1].matches("[0-9a-f]{8}")) {
      throw new NoteFormatException("malformed vkey \"" + vkey + "\": bad name or key ID");
    }
    int keyId = Integer.parseUnsignedInt(parts[1], 16);
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new NoteFormatException("malformed vkey \"" + vkey + "\": key is not base64", e);
    }
    if (raw.length != 33 || (raw[0] != 0x01 && raw[0] != 0x04)) {
      throw new NoteFormatException(
          String.format(
              Locale.ROOT,
              "unsupported vkey %s: type 0x%02x with %d key bytes, want 0x01 or 0x04 with 32",
              name,
              raw.length == 0 ? 0 : raw[0],
              raw.length - 1));
    }
    byte[] key = Arrays.copyOfRange(raw, 1, raw.length);
    int want = c2spKeyId(name, raw[0], key);
    if (want != keyId) {
      throw new NoteFormatException(
          String.format(Locale.ROOT, "vkey %s: key ID %08x does not match key, want %08x", name, keyId, want));
    }
    NoteKeyType type = raw[0] == 0x01 ? NoteKeyType.ED25519 : NoteKeyType.COSIGNATURE_V1;
    return new NoteKey(name, keyId, type, ed25519PublicKey(key));
  }

  /** C2SP key ID: SHA-256(name ‖ 0x0A ‖ type ‖ key)[0:4] as a big-endian int. */
  public static int c2spKeyId(String name, int typeByte, byte[] keyBytes) {
    return first4(c2spKeyIdFull(name, typeByte, keyBytes));
  }

  /** The whole hash SHA-256(name ‖ 0x0A ‖ type ‖ key): a Rekor v2 log ID in a trusted root. */
  public static byte[] c2spKeyIdFull(String name, int typeByte, byte[] keyBytes) {
    MessageDigest md = newSha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update((byte) typeByte);
    md.update(keyBytes);
    return md.digest();
  }

  /** The Ed25519 public key for 32 raw bytes (RFC 8032 encoding). */
  public static PublicKey ed25519PublicKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("Ed25519 key has " + raw.length + " bytes, want 32");
    }
    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid Ed25519 key", e);
    }
  }

  /** The raw 32 bytes of an Ed25519 public key, taken from its SPKI encoding. */
  public static byte[] rawEd25519(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (spki.length != ED25519_SPKI_PREFIX.length + 32
        || !Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
  }

  static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static int first4(byte[] b) {
    return ByteBuffer.wrap(b, 0, 4).getInt();
  }

  /** The key ID as 8 lowercase hex digits. */
  public String keyIdHex() {
    return String.format(Locale.ROOT, "%08x", keyId);
  }

  /** {@code name+keyid} as in a vkey, e.g. {@code rekor.sigstore.dev+c0d23d6a}. */
  public String id() {
    return name + "+" + keyIdHex();
  }

  @Override
  public String toString() {
    return "NoteKey[" + id() + ", " + type + "]";
  }
}
