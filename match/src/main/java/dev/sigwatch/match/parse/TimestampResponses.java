package dev.sigwatch.match.parse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.Der;
import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.ParsedCertificate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Rekor v1 {@code rfc3161} entries: the RFC 3161 timestamp response; the signer is the TSA certificate embedded in
 * the token (none when the token carries no certificates), the digest is the message imprint.
 */
final class TimestampResponses {
  private static final Map<String, String> DIGESTS = Map.of(
      "2.16.840.1.101.3.4.2.1", "sha256", "2.16.840.1.101.3.4.2.2", "sha384",
      "2.16.840.1.101.3.4.2.3", "sha512", "1.3.14.3.2.26", "sha1");

  private TimestampResponses() {}

  static ParsedEntry parse(String kind, String version, JsonNode spec) throws EntryParseException {
    byte[] tsr = Json.base64(Json.object(spec, "tsr", "spec"), "content", "spec.tsr");
    TimeStampToken token;
    try {
      Der.checkNesting(tsr, Der.MAX_DEPTH);
      token = new TimeStampResponse(tsr).getTimeStampToken();
    } catch (TSPException | IOException | RuntimeException e) {
      throw new EntryParseException("spec.tsr.content is not an RFC 3161 timestamp response: " + e.getMessage(), e);
    }
    if (token == null) {
      throw new EntryParseException("spec.tsr.content: the timestamp response carries no token (status not granted)");
    }
    String oid = token.getTimeStampInfo().getMessageImprintAlgOID().getId();
    String digest = DIGESTS.getOrDefault(oid, oid) + ":"
        + HexFormat.of().formatHex(token.getTimeStampInfo().getMessageImprintDigest());
    List<ParsedCertificate> certs = new ArrayList<>();
    ParsedCertificate signerCert = null;
    try {
      @SuppressWarnings("unchecked")
      Collection<X509CertificateHolder> holders = token.getCertificates().getMatches(null);
      for (X509CertificateHolder h : holders) {
        ParsedCertificate c = ParsedCertificate.parse(h.getEncoded());
        if (signerCert == null && token.getSID().match(h)) {
          signerCert = c;
        } else {
          certs.add(c);
        }
      }
      if (signerCert == null) {
        return new ParsedEntry(kind, version, digest, List.of());
      }
      return new ParsedEntry(kind, version, digest,
          List.of(new Signer.Cert(FulcioCertificate.from(signerCert), certs)));
    } catch (IOException | CertificateParseException e) {
      throw new EntryParseException("spec.tsr.content: embedded certificate: " + e.getMessage(), e);
    }
  }
}
