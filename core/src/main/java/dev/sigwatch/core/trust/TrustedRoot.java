package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Sigstore {@code trusted_root.json} (media type {@code application/vnd.dev.sigstore.trustedroot+json}):
 * the transparency logs (Rekor, "tlogs"), CT logs ("ctlogs"), certificate authorities and timestamp
 * authorities a monitor trusts, each with its validity period.
 *
 * <p>Immutable and safe to share between threads. Load it from a file with {@link #load(Path)}
 * (private instances, tests) or through TUF with {@link dev.sigwatch.core.trust.tuf.TufClient}.
 */
public final class TrustedRoot {

  private final List<LogKey> tlogs;
  private final List<LogKey> ctlogs;
  private final List<CertificateAuthority> certificateAuthorities;
  private final List<CertificateAuthority> timestampAuthorities;

  public TrustedRoot(
      List<LogKey> tlogs,
      List<LogKey> ctlogs,
      List<CertificateAuthority> certificateAuthorities,
      List<CertificateAuthority> timestampAuthorities) {
    this.tlogs = List.copyOf(tlogs);
    this.ctlogs = List.copyOf(ctlogs);
    this.certificateAuthorities = List.copyOf(certificateAuthorities);
    this.timestampAuthorities = List.copyOf(timestampAuthorities);
  }

  /** Reads a {@code trusted_root.json} file. */
  public static TrustedRoot load(Path file) throws TrustException {
    return parse(TrustJson.read(file, "trusted root"));
  }

  /** Reads a JSON-lines file with one trusted root per line (as GitHub publishes them). */
  public static List<TrustedRoot> loadJsonLines(Path file) throws TrustException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrustException("reading trusted roots " + file + ": " + e.getMessage(), e);
    }
    List<TrustedRoot> roots = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        roots.add(parse(lines.get(i)));
      } catch (TrustException e) {
        throw new TrustException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return roots;
  }

  /** Parses the JSON of a trusted root. */
  public static TrustedRoot parse(String json) throws TrustException {
    JsonNode root = TrustJson.object(json, "trusted root",
        m -> m.startsWith("application/vnd.dev.sigstore.trustedroot"), "application/vnd.dev.sigstore.trustedroot+json");
    return new TrustedRoot(
        logs(root.path("tlogs"), "tlogs"),
        logs(root.path("ctlogs"), "ctlogs"),
        authorities(root.path("certificateAuthorities"), "certificateAuthorities"),
        authorities(root.path("timestampAuthorities"), "timestampAuthorities"));
  }

  private static List<LogKey> logs(JsonNode array, String field) throws TrustException {
    List<LogKey> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String where = field + "[" + i + "]";
      JsonNode pk = n.path("publicKey");
      String details = text(pk, "keyDetails", where + ".publicKey");
      byte[] raw = base64(pk, "rawBytes", where + ".publicKey");
      ValidityPeriod v = validity(pk.path("validFor"), where + ".publicKey");
      out.add(
          new LogKey(
              base64(n.path("logId"), "keyId", where + ".logId"),
              text(n, "baseUrl", where),
              PublicKeys.decode(raw, details),
              details,
              v.start(),
              v.end()));
    }
    return out;
  }

  private static List<CertificateAuthority> authorities(JsonNode array, String field)
      throws TrustException {
    List<CertificateAuthority> out = new ArrayList<>();
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 is required of every JDK", e);
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String where = field + "[" + i + "]";
      List<X509Certificate> chain = new ArrayList<>();
      JsonNode certs = n.path("certChain").path("certificates");
      for (int j = 0; j < certs.size(); j++) {
        byte[] der = base64(certs.get(j), "rawBytes", where + ".certChain.certificates[" + j + "]");
        try {
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
        } catch (CertificateException e) {
          throw new TrustException(where + ": certificate " + j + " is not X.509: " + e.getMessage(), e);
        }
      }
      if (chain.isEmpty()) {
        throw new TrustException(where + ": certChain.certificates must not be empty");
      }
      JsonNode s = n.path("subject");
      String subject = s.path("organization").asText("") + "/" + s.path("commonName").asText("");
      ValidityPeriod v = validity(n.path("validFor"), where);
      out.add(new CertificateAuthority(n.path("uri").asText(""), subject, chain, v.start(), v.end()));
    }
    return out;
  }

  static ValidityPeriod validity(JsonNode validFor, String where) throws TrustException {
    Instant start = instant(validFor, "start", where + ".validFor");
    if (start == null) {
      throw new TrustException(where + ".validFor.start is missing");
    }
    try {
      return new ValidityPeriod(start, instant(validFor, "end", where + ".validFor"));
    } catch (IllegalArgumentException e) {
      throw new TrustException(where + ": " + e.getMessage(), e);
    }
  }

  private static Instant instant(JsonNode n, String field, String where) throws TrustException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new TrustException(
          where + "." + field + " must be an RFC 3339 time, but was: \"" + v.asText() + "\"", e);
    }
  }

  static String text(JsonNode n, String field, String where) throws TrustException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new TrustException(where + "." + field + " is missing");
    }
    return v.asText();
  }

  private static byte[] base64(JsonNode n, String field, String where) throws TrustException {
    String s = text(n, field, where);
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new TrustException(where + "." + field + " is not base64", e);
    }
  }

  /** Rekor logs (v1 and v2 shards), in the order of the file. */
  public List<LogKey> tlogs() {
    return tlogs;
  }

  /** Certificate-transparency logs, in the order of the file. */
  public List<LogKey> ctlogs() {
    return ctlogs;
  }

  /** Fulcio certificate authorities with their validity periods. */
  public List<CertificateAuthority> certificateAuthorities() {
    return certificateAuthorities;
  }

  /** RFC 3161 timestamp authorities with their validity periods. */
  public List<CertificateAuthority> timestampAuthorities() {
    return timestampAuthorities;
  }

  /**
   * Finds the Rekor or CT log whose log ID (as stated in the trusted root) is {@code keyId} and whose
   * key was valid at {@code at}.
   *
   * @return empty if no such log is trusted at that time
   */
  public Optional<LogKey> findLogKey(byte[] keyId, Instant at) {
    return Stream.concat(tlogs.stream(), ctlogs.stream())
        .filter(k -> MessageDigest.isEqual(k.logId(), keyId) && k.isValidAt(at))
        .findFirst();
  }

  /** Like {@link #findLogKey} but ignores validity: to explain why a lookup at a time failed. */
  public Optional<LogKey> findLogKeyAtAnyTime(byte[] keyId) {
    return Stream.concat(tlogs.stream(), ctlogs.stream())
        .filter(k -> MessageDigest.isEqual(k.logId(), keyId))
        .findFirst();
  }
}
