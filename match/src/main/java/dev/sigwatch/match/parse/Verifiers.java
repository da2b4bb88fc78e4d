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
  private static final String END_CERT = "-----END CERTIFICATE-----";

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
   * every reader. The markers are searched in the bytes read as ISO-8859-1 (a plain copy, and {@link String#indexOf}
   * is vectorized): one character per byte as in US-ASCII, and a byte that US-ASCII would replace (over 0x7f)
   * never equals a marker's, so the positions are the same.
   */
  static List<ParsedCertificate> pemCertificates(byte[] pem) throws EntryParseException, CertificateParseException {
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    List<ParsedCertificate> out = new java.util.ArrayList<>(2);
    int from = 0;
    while (true) {
      int b = text.indexOf(BEGIN_CERT, from);
      if (b < 0) {
        return out;
      }
      int e = text.indexOf(END_CERT, b);
      if (e < 0) {
        throw new EntryParseException("verifier: PEM CERTIFICATE block not terminated");
      }
      byte[] der;
      try {
        der = PemBase64.decode(pem, b + BEGIN_CERT.length(), e);
      } catch (IllegalArgumentException ex) {
        throw new EntryParseException("verifier: PEM CERTIFICATE body is not base64", ex);
      }
      out.add(ParsedCertificate.parseOwned(der));
      from = e + 1;
    }
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
