package dev.sigwatch.match.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the canonical body of a Rekor v1 or v2 entry of every kind into a {@link ParsedEntry}:
 * v1 hashedrekord, rekord, dsse, intoto 0.0.1/0.0.2, jar, rpm, helm, cose, tuf, alpine, rfc3161 (all 0.0.1 unless
 * noted); v2 hashedrekord and dsse 0.0.2. Any other kind or version is an {@link EntryParseException}.
 *
 * <p>Thread-safe. Signatures are not verified here (the verify stage proves inclusion; the signature over the
 * artifact is the signer's business): only the identities the body names are extracted.
 */
public final class RekorBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RekorBodies() {}

  public static ParsedEntry parse(byte[] body) throws EntryParseException {
    return parse(body, 0, body.length);
  }

  /** {@link #parse(byte[])} of {@code body[offset, offset + length)}. */
  public static ParsedEntry parse(byte[] body, int offset, int length) throws EntryParseException {
    JsonNode root;
    try {
      root = JSON.readTree(body, offset, length);
    } catch (IOException e) {
      throw new EntryParseException("body is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new EntryParseException("body must be a JSON object, but was: " + Json.describe(root));
    }
    String kind = Json.text(root, "kind", "body");
    String version = Json.text(root, "apiVersion", "body");
    JsonNode spec = Json.object(root, "spec", "body");
    String at = "spec";
    return switch (kind + "/" + version) {
      case "hashedrekord/0.0.1" -> single(kind, version,
          Json.v1Hash(spec.path("data").path("hash"), at + ".data.hash"),
          v1Content(Json.object(spec, "signature", at), at + ".signature", null));
      case "rekord/0.0.1" -> {
        JsonNode sig = Json.object(spec, "signature", at);
        yield single(kind, version, Json.v1Hash(spec.path("data").path("hash"), at + ".data.hash"),
            v1Content(sig, at + ".signature", Json.text(sig, "format", at + ".signature")));
      }
      case "jar/0.0.1" -> single(kind, version,
          Json.v1Hash(spec.path("archive").path("hash"), at + ".archive.hash"),
          v1Content(Json.object(spec, "signature", at), at + ".signature", "x509"));
      // package / chart are required by their schemas (the hash inside is readOnly: absent in a proposed entry).
      case "rpm/0.0.1" -> single(kind, version,
          Json.v1Hash(Json.object(spec, "package", at).path("hash"), at + ".package.hash"), v1Content(spec, at, "pgp"));
      case "helm/0.0.1" -> single(kind, version,
          Json.v1Hash(Json.object(spec, "chart", at).path("hash"), at + ".chart.hash"), v1Content(spec, at, "pgp"));
      case "alpine/0.0.1" -> single(kind, version,
          Json.v1Hash(Json.object(spec, "package", at).path("hash"), at + ".package.hash"), v1Content(spec, at, "x509"));
      case "cose/0.0.1" -> single(kind, version,
          Json.v1Hash(spec.path("data").path("payloadHash"), at + ".data.payloadHash"),
          Verifiers.decode(Json.base64(spec, "publicKey", at), "x509"));
      case "intoto/0.0.1" -> single(kind, version,
          Json.v1Hash(spec.path("content").path("payloadHash"), at + ".content.payloadHash"),
          Verifiers.decode(Json.base64(spec, "publicKey", at), null));
      case "intoto/0.0.2" -> intotoV2(kind, version, spec);
      case "dsse/0.0.1" -> dsseV1(kind, version, spec);
      case "tuf/0.0.1" -> TufRoots.parse(kind, version, spec);
      case "rfc3161/0.0.1" -> TimestampResponses.parse(kind, version, spec);
      case "hashedrekord/0.0.2" -> {
        JsonNode v = Json.object(spec, "hashedRekordV002", at);
        yield single(kind, version, Json.v2Hash(Json.object(v, "data", at), at + ".hashedRekordV002.data"),
            v2Verifier(Json.object(Json.object(v, "signature", at), "verifier", at + ".signature"),
                at + ".hashedRekordV002.signature.verifier"));
      }
      case "dsse/0.0.2" -> {
        JsonNode v = Json.object(spec, "dsseV002", at);
        JsonNode sigs = Json.array(v, "signatures", at + ".dsseV002");
        String digest = Json.v2Hash(Json.object(v, "payloadHash", at), at + ".payloadHash");
        yield signers(kind, version, digest, sigs.size(), i -> {
          String where = at + ".dsseV002.signatures[" + i + "]";
          return v2Verifier(Json.object(sigs.get(i), "verifier", where), where + ".verifier");
        });
      }
      default -> throw new EntryParseException("unsupported entry kind '" + kind + "' version '" + version + "'");
    };
  }

  private static ParsedEntry single(String kind, String version, String digest, Signer signer) {
    return new ParsedEntry(kind, version, digest, List.of(signer));
  }

  /** {@code <at>.publicKey.content}, base64 of the verifier in {@code format} (null: sniffed). */
  private static Signer v1Content(JsonNode node, String at, String format) throws EntryParseException {
    JsonNode key = Json.object(node, "publicKey", at);
    return Verifiers.decode(Json.base64(key, "content", at + ".publicKey"), format);
  }

  private static ParsedEntry intotoV2(String kind, String version, JsonNode spec) throws EntryParseException {
    JsonNode content = Json.object(spec, "content", "spec");
    JsonNode envelope = Json.object(content, "envelope", "spec.content");
    JsonNode sigs = Json.array(envelope, "signatures", "spec.content.envelope");
    return signers(kind, version, Json.v1Hash(content.path("payloadHash"), "spec.content.payloadHash"), sigs.size(),
        i -> Verifiers.decode(Json.base64(sigs.get(i), "publicKey", "spec.content.envelope.signatures[" + i + "]"), null));
  }

  private static ParsedEntry dsseV1(String kind, String version, JsonNode spec) throws EntryParseException {
    JsonNode sigs = Json.array(spec, "signatures", "spec");
    return signers(kind, version, Json.v1Hash(spec.path("payloadHash"), "spec.payloadHash"), sigs.size(),
        i -> Verifiers.decode(Json.base64(sigs.get(i), "verifier", "spec.signatures[" + i + "]"), null));
  }

  /** The i-th signer of a multi-signer body. */
  private interface SignerAt {
    Signer get(int i) throws EntryParseException;
  }

  /**
   * A multi-signer body (DSSE, in-toto 0.0.2): each signer is decoded on its own, so one bad signer is reported as
   * such ({@link ParsedEntry#badSigners()}) without hiding the others. Any failure of one signer's decoding counts,
   * including an error such as a stack overflow on a crafted certificate; if no signer decodes, the entry is malformed.
   */
  private static ParsedEntry signers(String kind, String version, String digest, int n, SignerAt at)
      throws EntryParseException {
    List<Signer> signers = new ArrayList<>(n);
    List<String> bad = new ArrayList<>(0);
    for (int i = 0; i < n; i++) {
      try {
        signers.add(at.get(i));
      } catch (EntryParseException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
        if (n == 1) throw e;
        bad.add("signer " + i + ": " + dev.sigwatch.schemas.dlq.RejectedRecords.reason(e));
      }
    }
    if (signers.isEmpty() && !bad.isEmpty()) {
      throw new EntryParseException("no signer can be decoded: " + String.join("; ", bad));
    }
    return new ParsedEntry(kind, version, digest, signers, bad);
  }

  /** A Rekor v2 {@code Verifier}: {@code x509Certificate.rawBytes} (DER) or {@code publicKey.rawBytes} (SPKI DER). */
  private static Signer v2Verifier(JsonNode verifier, String at) throws EntryParseException {
    JsonNode cert = verifier.get("x509Certificate");
    if (cert != null) {
      byte[] der = Json.base64(cert, "rawBytes", at + ".x509Certificate");
      Signer s = Verifiers.x509(der);
      if (!(s instanceof Signer.Cert)) {
        throw new EntryParseException(at + ".x509Certificate.rawBytes is not a DER certificate");
      }
      return s;
    }
    JsonNode key = verifier.get("publicKey");
    if (key != null) {
      return Verifiers.pkixKey(Json.base64(key, "rawBytes", at + ".publicKey"));
    }
    throw new EntryParseException(at + " must hold x509Certificate or publicKey, but was: " + Json.describe(verifier));
  }
}
