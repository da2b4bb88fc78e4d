package dev.sigwatch.match.parse;

import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.Der;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.ParsedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Decodes the verifier material of an entry (certificate PEM/DER, PKIX public key, PGP, SSH or minisign key) into a
 * {@link Signer}. Stateless and thread-safe.
 */
public final class Verifiers {
  private static final String BEGIN_CERT = "-----BEGIN CERTIFICATE-----";
  private static final String BEGIN_KEY = "-----BEGIN PUBLIC KEY-----";
  private static final byte[] BEGIN_CERT_BYTES = BEGIN_CERT.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_CERT_BYTES = "-----END CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII);

  private Verifiers() {}

  /**
   * Decodes verifier bytes.
   *
   * @param content the decoded bytes (PEM text or DER or key text)
   * @param format Rekor's declared format ({@code x509}, {@code pgp}, {@code ssh}, {@code minisign}) or null to sniff
   */
  public static Signer decode(byte[] content, String format) throws EntryParseException {
    if (content == null || content.length == 0) {
      throw new EntryParseException("verifier is empty");
    }
    String f = format == null ? sniff(content) : format.toLowerCase(Locale.ROOT);
    return switch (f) {
      case "pgp" -> PgpKeys.parse(content);
      case "ssh" -> SshKeys.parse(new String(content, StandardCharsets.UTF_8));
      case "minisign" -> MinisignKeys.parse(new String(content, StandardCharsets.UTF_8));
      case "x509", "pkix" -> x509(content);
      default -> throw new EntryParseException("verifier format '" + format + "' is not one of x509, pgp, ssh, minisign");
    };
  }

  private static String sniff(byte[] content) {
    if (PgpKeys.looksLike(content)) {
      return "pgp";
    }
    String text = new String(content, 0, Math.min(content.length, 120), StandardCharsets.ISO_8859_1).trim();
    if (SshKeys.looksLike(text)) {
      return "ssh";
    }
    if (MinisignKeys.looksLike(content)) {
      return "minisign";
    }
    return "x509";
  }

  /** A certificate (PEM bundle: leaf first, or DER) or a PKIX public key (PEM or DER SubjectPublicKeyInfo). */
  static Signer x509(byte[] content) throws EntryParseException {
    String head = new String(content, 0, Math.min(content.length, 64), StandardCharsets.ISO_8859_1).trim();
    if (head.startsWith(BEGIN_KEY)) {
      return pkixKey(pemBody(new String(content, StandardCharsets.US_ASCII), "PUBLIC KEY"));
    }
    try {
      if (head.startsWith(BEGIN_CERT)) {
        List<ParsedCertificate> certs = pemCertificates(content);
        if (certs.isEmpty()) {
          throw new EntryParseException("verifier: PEM holds no certificate");
        }
        return new Signer.Cert(FulcioCertificate.from(certs.get(0)), certs.subList(1, certs.size()));
      }
      if (content[0] == 0x30) {
        try {
          return new Signer.Cert(FulcioCertificate.parse(content), List.of());
        } catch (CertificateParseException notACert) {
          return pkixKey(content);
        }
      }
    } catch (CertificateParseException e) {
      throw new EntryParseException("verifier: " + e.getMessage(), e);
    }
    throw new EntryParseException("verifier: want a PEM certificate or public key, or DER; got bytes starting "
        + HexFormat.of().formatHex(content, 0, Math.min(content.length, 8)));
  }

  /** Validates a DER SubjectPublicKeyInfo and fingerprints it (hex SHA-256 of the DER). */
  static Signer.Key pkixKey(byte[] spki) throws EntryParseException {
    try {
      org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(Der.decode(spki));
    } catch (java.io.IOException | RuntimeException e) {
      throw new EntryParseException("verifier: not a DER SubjectPublicKeyInfo: " + e.getMessage(), e);
    }
    return new Signer.Key("pkix", List.of(HexFormat.of().formatHex(Certificates.sha256(spki))), List.of());
  }

  /**
   * Every certificate of a PEM bundle (read as US-ASCII), leaf first. Decoded here (base64 then DER) rather than by
   * the JDK's PEM path, which is ~20x slower and dominated the per-entry cost; each certificate is decoded once, for
   * every reader. The markers are found in the bytes: US-ASCII decoding maps each byte to one character, and a byte
   * it replaces (over 0x7f) never equals a marker's.
   */
  static List<ParsedCertificate> pemCertificates(byte[] pem) throws EntryParseException, CertificateParseException {
    List<ParsedCertificate> out = new java.util.ArrayList<>(2);
    int from = 0;
    while (true) {
      int b = indexOf(pem, BEGIN_CERT_BYTES, from);
      if (b < 0) {
        return out;
      }
      int e = indexOf(pem, END_CERT_BYTES, b);
      if (e < 0) {
        throw new EntryParseException("verifier: PEM CERTIFICATE block not terminated");
      }
      byte[] der;
      try {
        der = PemBase64.decode(pem, b + BEGIN_CERT_BYTES.length, e);
      } catch (IllegalArgumentException ex) {
        throw new EntryParseException("verifier: PEM CERTIFICATE body is not base64", ex);
      }
      out.add(ParsedCertificate.parseOwned(der));
      from = e + 1;
    }
  }

  /** The first index of {@code what} in {@code in} at or after {@code from}, or -1 (as {@link String#indexOf}). */
  static int indexOf(byte[] in, byte[] what, int from) {
    byte first = what[0];
    for (int i = Math.max(from, 0), last = in.length - what.length; i <= last; i++) {
      if (in[i] == first && java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    return -1;
  }

  static byte[] pemBody(String pem, String label) throws EntryParseException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new EntryParseException("verifier: PEM " + label + " block not terminated");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new EntryParseException("verifier: PEM " + label + " body is not base64", ex);
    }
  }
}
