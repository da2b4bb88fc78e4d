package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.match.topology.SimEntries;
import dev.sigwatch.schemas.IdentityEvent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.junit.jupiter.api.Test;

/**
 * Rekor v1 kinds with no fixture entry (alpine, cose, helm, rpm, rfc3161, tuf): bodies built from real generated key
 * material, each checked against its JSON schema from the fixtures before it is parsed, and malformed variants.
 */
class OtherKindsTest {
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  static final String DIGEST = "3f".repeat(32);

  static ObjectNode hash(String value) {
    return JSON.createObjectNode().put("algorithm", "sha256").put("value", value);
  }

  static ObjectNode keyContent(byte[] key) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("publicKey").put("content", TestKeys.b64(key));
    return n;
  }

  /** Checks {@code spec} against the kind's schema, wraps it in a body and parses it as the stage does. */
  static ParsedEntry parse(String kind, ObjectNode spec) throws Exception {
    assertThat(SchemaCheck.problems(kind, spec)).as("schema of " + kind).isEmpty();
    return RekorBodies.parse(body(kind, spec));
  }

  static byte[] body(String kind, ObjectNode spec) throws Exception {
    ObjectNode b = JSON.createObjectNode().put("apiVersion", "0.0.1").put("kind", kind);
    b.set("spec", spec);
    return JSON.writeValueAsBytes(b);
  }

  static String error(String kind, ObjectNode spec) {
    try {
      RekorBodies.parse(body(kind, spec));
    } catch (EntryParseException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(kind + ": parsed, want an EntryParseException");
  }

  static ObjectNode rpm(byte[] key) {
    ObjectNode spec = keyContent(key);
    spec.putObject("package").set("hash", hash(DIGEST));
    spec.with("package").putObject("headers").put("Name", "hello").put("Version", "2.12");
    return spec;
  }

  @Test
  void rpmNamesThePgpKeyFingerprintAndUserIdEmail() throws Exception {
    PGPPublicKeyRing ring = Pgp.ring("Fedora Packager <packager@fedoraproject.example>");
    ParsedEntry p = parse("rpm", rpm(Pgp.armored(ring)));
    assertThat(p.artifactDigest()).isEqualTo("sha256:" + DIGEST);
    assertThat(p.signers()).singleElement().isEqualTo(new Signer.Key("pgp",
        List.of(Pgp.v4Fingerprint(ring.getPublicKey())), List.of("packager@fedoraproject.example")));

    ObjectNode noKey = rpm(Pgp.armored(ring));
    noKey.remove("publicKey");
    assertThat(error("rpm", noKey)).isEqualTo("spec.publicKey must be an object, but was: absent");
    ObjectNode notBase64 = rpm(Pgp.armored(ring));
    notBase64.with("publicKey").put("content", "%%%");
    assertThat(error("rpm", notBase64)).startsWith("spec.publicKey.content must be base64: ");
    // An rpm key is PGP by definition: an X.509 PEM key is not sniffed into something else.
    assertThat(error("rpm", rpm(TestKeys.pem("PUBLIC KEY", TestKeys.ec().getPublic().getEncoded())
        .getBytes(StandardCharsets.US_ASCII)))).startsWith("pgp public key: ");
  }

  @Test
  void helmNamesThePgpKeyOfTheProvenanceFile() throws Exception {
    PGPPublicKeyRing ring = Pgp.ring("Chart Maintainer <charts@example.io>");
    ObjectNode spec = keyContent(ring.getEncoded());
    ObjectNode chart = spec.putObject("chart");
    chart.set("hash", hash(DIGEST));
    chart.putObject("provenance").putObject("signature").put("content", TestKeys.b64("-----BEGIN PGP SIGNATURE-----"));
    ParsedEntry p = parse("helm", spec);
    assertThat(p.kind()).isEqualTo("helm");
    assertThat(p.artifactDigest()).isEqualTo("sha256:" + DIGEST);
    assertThat(p.signers()).singleElement().isEqualTo(new Signer.Key("pgp",
        List.of(Pgp.v4Fingerprint(ring.getPublicKey())), List.of("charts@example.io")));

    chart.set("hash", hash("not-hex"));
    assertThat(error("helm", spec)).isEqualTo("spec.chart.hash.value must be hex, but was: not-hex");
  }

  @Test
  void alpineNamesThePkixKeyFingerprint() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] spki = g.generateKeyPair().getPublic().getEncoded();
    ObjectNode spec = keyContent(TestKeys.pem("PUBLIC KEY", spki).getBytes(StandardCharsets.US_ASCII));
    ObjectNode pkg = spec.putObject("package");
    pkg.set("hash", hash(DIGEST));
    pkg.putObject("pkginfo").put("pkgname", "busybox").put("pkgver", "1.36.1-r0");
    ParsedEntry p = parse("alpine", spec);
    assertThat(p.signers()).singleElement()
        .isEqualTo(new Signer.Key("pkix", List.of(TestKeys.sha256Hex(spki)), List.of()));
    assertThat(p.artifactDigest()).isEqualTo("sha256:" + DIGEST);

    ObjectNode text = keyContent("not a key".getBytes(StandardCharsets.US_ASCII));
    text.set("package", pkg);
    assertThat(error("alpine", text)).isEqualTo(
        "verifier: want a PEM certificate or public key, or DER; got bytes starting 6e6f742061206b65");
    ObjectNode noPackage = keyContent(spki);
    assertThat(error("alpine", noPackage)).isEqualTo("spec.package must be an object, but was: absent");
  }

  @Test
  void coseNamesTheCertificateIdentities() throws Exception {
    KeyPair kp = TestKeys.ec();
    X509Certificate cert = TestKeys.cert(kp, "cose signer", "cose@example.com", Map.of(), List.of());
    ObjectNode spec = JSON.createObjectNode()
        .put("publicKey", TestKeys.b64(TestKeys.pem("CERTIFICATE", cert.getEncoded())))
        .put("message", TestKeys.b64("d28443a10126a0"));
    spec.putObject("data").set("payloadHash", hash(DIGEST));
    spec.with("data").set("envelopeHash", hash("4e".repeat(32)));
    assertThat(SchemaCheck.problems("cose", spec)).isEmpty();
    List<IdentityEvent> events = IdentityEvents.fromRekor(SimEntries.rekorBody(body("cose", spec), 3,
        TestKeys.NOT_BEFORE));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getEntryKind()).isEqualTo("cose");
      assertThat(e.getSans()).extracting(s -> s.getType() + ":" + s.getValue()).containsExactly("email:cose@example.com");
      assertThat(e.getCertFingerprint()).isEqualTo(TestKeys.sha256Hex(cert.getEncoded()));
      assertThat(e.getKeyFingerprints()).containsExactly(TestKeys.sha256Hex(kp.getPublic().getEncoded()));
      assertThat(e.getArtifactDigest()).isEqualTo("sha256:" + DIGEST);
    });

    String pem = TestKeys.pem("CERTIFICATE", cert.getEncoded());
    spec.put("publicKey", TestKeys.b64(pem.substring(0, pem.indexOf("-----END"))));
    assertThat(error("cose", spec)).isEqualTo("verifier: PEM CERTIFICATE block not terminated");
    spec.remove("publicKey");
    assertThat(error("cose", spec)).isEqualTo("spec.publicKey must be a non-empty string, but was: absent");
  }

  static TimeStampResponseGenerator tsa(KeyPair kp, X509Certificate cert, boolean withCerts) throws Exception {
    TimeStampTokenGenerator tg = new TimeStampTokenGenerator(
        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", kp.getPrivate(), cert),
        new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
        new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.7"));
    if (withCerts) {
      tg.addCertificates(new JcaCertStore(List.of(cert)));
    }
    return new TimeStampResponseGenerator(tg, TSPAlgorithms.ALLOWED);
  }

  static ObjectNode tsr(byte[] response) {
    ObjectNode spec = JSON.createObjectNode();
    spec.putObject("tsr").put("content", TestKeys.b64(response));
    return spec;
  }

  @Test
  void rfc3161NamesTheTsaCertificateAndTheMessageImprint() throws Exception {
    KeyPair kp = TestKeys.ec();
    X509Certificate cert = TestKeys.cert(kp, "Test TSA", "tsa@example.com", Map.of(), List.of("1.3.6.1.5.5.7.3.8"));
    byte[] imprint = java.security.MessageDigest.getInstance("SHA-256").digest("artifact".getBytes(StandardCharsets.UTF_8));
    TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
    rg.setCertReq(true);
    TimeStampRequest req = rg.generate(TSPAlgorithms.SHA256, imprint, BigInteger.TEN);
    byte[] granted = tsa(kp, cert, true).generate(req, BigInteger.valueOf(7), Date.from(TestKeys.NOT_BEFORE)).getEncoded();

    ParsedEntry p = parse("rfc3161", tsr(granted));
    assertThat(p.artifactDigest()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(imprint));
    assertThat(p.signers()).singleElement().isInstanceOfSatisfying(Signer.Cert.class, c -> {
      assertThat(c.certificate().certFingerprint()).isEqualTo(sha256(cert));
      assertThat(c.certificate().sans()).extracting(s -> s.value()).containsExactly("tsa@example.com");
      assertThat(c.chain()).isEmpty();
    });

    // A token that carries no certificate names no signer, but still the imprint.
    byte[] bare = tsa(kp, cert, false).generate(req, BigInteger.valueOf(8), Date.from(TestKeys.NOT_BEFORE)).getEncoded();
    assertThat(parse("rfc3161", tsr(bare)).signers()).isEmpty();

    byte[] rejected = tsa(kp, cert, true).generateRejectedResponse(new TSPException("policy")).getEncoded();
    assertThat(error("rfc3161", tsr(rejected)))
        .isEqualTo("spec.tsr.content: the timestamp response carries no token (status not granted)");
    assertThat(error("rfc3161", tsr("not DER".getBytes(StandardCharsets.US_ASCII))))
        .startsWith("spec.tsr.content is not an RFC 3161 timestamp response: ");
    assertThat(error("rfc3161", JSON.createObjectNode())).isEqualTo("spec.tsr must be an object, but was: absent");
  }

  static String sha256(X509Certificate c) {
    try {
      return TestKeys.sha256Hex(c.getEncoded());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A TUF root.json: two ECDSA keys with key IDs = SHA-256 of their canonical JSON, signed by the first. */
  static ObjectNode tufSpec(List<String> keyIdsOut) throws Exception {
    ObjectNode signed = JSON.createObjectNode().put("_type", "root").put("spec_version", "1.0.31")
        .put("version", 1).put("expires", "2027-01-01T00:00:00Z").put("consistent_snapshot", true);
    ObjectNode keys = signed.putObject("keys");
    KeyPair first = null;
    for (int i = 0; i < 2; i++) {
      KeyPair kp = TestKeys.ec();
      first = first == null ? kp : first;
      ObjectNode key = JSON.createObjectNode().put("keytype", "ecdsa").put("scheme", "ecdsa-sha2-nistp256");
      key.putObject("keyval").put("public", TestKeys.pem("PUBLIC KEY", kp.getPublic().getEncoded()));
      String id = TestKeys.sha256Hex(JSON.writeValueAsBytes(key));
      keys.set(id, key);
      keyIdsOut.add(id);
    }
    ObjectNode roles = signed.putObject("roles");
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      ObjectNode r = roles.putObject(role).put("threshold", 1);
      r.putArray("keyids").add(keyIdsOut.get(0));
    }
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(first.getPrivate());
    s.update(JSON.writeValueAsBytes(signed));
    ObjectNode root = JSON.createObjectNode();
    root.set("signed", signed);
    root.putArray("signatures").addObject().put("keyid", keyIdsOut.get(0))
        .put("sig", java.util.HexFormat.of().formatHex(s.sign()));
    ObjectNode spec = JSON.createObjectNode().put("spec_version", "1.0.31");
    spec.putObject("root").set("content", root);
    spec.putObject("metadata").putObject("content").putObject("signed").put("_type", "timestamp").put("version", 3);
    return spec;
  }

  @Test
  void tufNamesTheRootKeyIds() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    ObjectNode spec = tufSpec(ids);
    ParsedEntry p = parse("tuf", spec);
    assertThat(p.artifactDigest()).isNull();
    assertThat(p.signers()).singleElement().satisfies(s -> {
      Signer.Key k = (Signer.Key) s;
      assertThat(k.keyType()).isEqualTo("tuf");
      assertThat(k.fingerprints()).containsExactlyInAnyOrderElementsOf(ids);
    });

    ((ObjectNode) spec.with("root").with("content").with("signed")).remove("keys");
    assertThat(error("tuf", spec)).isEqualTo("spec.root.content.signed.keys must be an object, but was: absent");
    ObjectNode noMetadata = tufSpec(new java.util.ArrayList<>());
    noMetadata.remove("metadata");
    assertThat(error("tuf", noMetadata)).isEqualTo("spec.metadata must be an object, but was: absent");
  }

  @Test
  void schemaCheckRejectsASpecMissingARequiredField() throws Exception {
    // The schema check itself can fail: rpm without publicKey, rfc3161 with a non-base64 tsr.
    ObjectNode spec = rpm(new byte[] {1});
    spec.remove("publicKey");
    assertThat(SchemaCheck.problems("rpm", spec)).containsExactly("spec: missing required publicKey");
    assertThat(SchemaCheck.problems("rfc3161", tsr(new byte[0]).put("x", 1))).isEmpty();
    ObjectNode bad = JSON.createObjectNode();
    bad.putObject("tsr").put("content", "%%");
    assertThat(SchemaCheck.problems("rfc3161", bad)).containsExactly("spec.tsr.content: not base64");
  }
}
