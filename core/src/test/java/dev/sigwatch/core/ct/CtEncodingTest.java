package dev.sigwatch.core.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.TestCa;
import dev.sigwatch.core.x509.TrustFixtures;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SCTs of every certificate in certs/index.json, the encoders a log simulator uses, and parser mutations. */
class CtEncodingTest {
  private static final Base64.Decoder B64 = Base64.getDecoder();

  static Stream<JsonNode> index() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    TrustFixtures.json("certs/index.json").forEach(out::add);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("index")
  void embeddedSctsOfIndexCertificates(JsonNode want) throws Exception {
    Map<String, TrustFixtures.CtLog> logs = TrustFixtures.ctLogs();
    X509Certificate cert = Certificates.parse(TrustFixtures.read("certs/" + want.path("file").asText()));
    List<Sct> got = SctList.fromCertificate(cert);
    assertThat(got).hasSize(want.path("scts").size());
    for (int i = 0; i < got.size(); i++) {
      JsonNode w = want.path("scts").get(i);
      Sct sct = got.get(i);
      TrustFixtures.CtLog log = logs.get(Base64.getEncoder().encodeToString(sct.logId()));
      assertThat(log.name()).isEqualTo(w.path("log").asText());
      assertThat(sct.timestamp()).isEqualTo(w.path("timestamp_ms").asLong());
      assertThat(HexFormat.of().formatHex(sct.extensions())).isEqualTo(w.path("extensions_hex").asText());
      X509Certificate issuer = SctVectorsTest.issuerOfForIndex(cert, w.path("log").asText().substring(0, 4));
      assertThat(SctVerifier.verifyEmbedded(sct, cert, issuer.getPublicKey(), log.key()))
          .isEqualTo(w.path("signature_verified").asBoolean());
    }
    if (!got.isEmpty()) {
      byte[] raw = ASN1OctetString.getInstance(cert.getExtensionValue(SctList.OID)).getOctets();
      assertThat(SctList.encodeExtensionValue(got)).isEqualTo(raw);
    }
  }

  @Test
  void simulatorIssuesFinalCertificateWhoseEmbeddedSctVerifies() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestCa ca = TestCa.root("CN=sim-intermediate,O=example", now.minusSeconds(60), now.plusSeconds(3600));
    KeyPair leafKeys = TestCa.newKeys();
    KeyPair logKeys = TestCa.newKeys();
    byte[] logId = Certificates.sha256(logKeys.getPublic().getEncoded());
    GeneralNames san = new GeneralNames(new GeneralName(GeneralName.rfc822Name, "dev@example.com"));
    ASN1ObjectIdentifier issuerExt = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.1");

    X509v3CertificateBuilder pre = ca.leafBuilder(leafKeys, now, now.plusSeconds(600))
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(new ASN1ObjectIdentifier(SctList.POISON_OID), true, DERNull.INSTANCE)
        .addExtension(issuerExt, false, "https://issuer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    X509Certificate precert = ca.sign(pre);
    byte[] tbs = PrecertTbs.fromPrecertificate(precert);
    byte[] ext = CtExtensions.ofLeafIndex(41);
    TimestampedEntry entry = TimestampedEntry.precert(now.toEpochMilli(),
        PrecertTbs.issuerKeyHash(ca.cert.getPublicKey()), tbs, ext);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(logKeys.getPrivate());
    signer.update(Sct.signingInput(now.toEpochMilli(), entry, ext));
    Sct sct = new Sct(logId, now.toEpochMilli(), ext, Sct.SHA256, Sct.ECDSA, signer.sign());

    X509v3CertificateBuilder fin = new X509v3CertificateBuilder(
        org.bouncycastle.asn1.x500.X500Name.getInstance(ca.cert.getSubjectX500Principal().getEncoded()),
        precert.getSerialNumber(), precert.getNotBefore(), precert.getNotAfter(),
        new org.bouncycastle.asn1.x500.X500Name(""),
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(leafKeys.getPublic().getEncoded()))
        .addExtension(Extension.subjectAlternativeName, true, san)
        .addExtension(new ASN1ObjectIdentifier(SctList.OID), false, SctList.encodeExtensionValue(List.of(sct)))
        .addExtension(issuerExt, false, "https://issuer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    X509Certificate finalCert = ca.sign(fin);

    assertThat(PrecertTbs.fromFinalCertificate(finalCert)).isEqualTo(tbs);
    assertThat(SctList.fromCertificate(finalCert)).containsExactly(sct);
    assertThat(SctVerifier.verifyEmbedded(sct, finalCert, ca.cert.getPublicKey(), logKeys.getPublic())).isTrue();
    assertThat(SctVerifier.verifyEmbedded(sct, finalCert, leafKeys.getPublic(), logKeys.getPublic())).isFalse();
    assertThat(sct.leafIndex()).hasValue(41);

    // The log's leaf and the x509 variant round-trip.
    MerkleTreeLeaf leaf = new MerkleTreeLeaf(entry);
    assertThat(MerkleTreeLeaf.parse(leaf.encode())).isEqualTo(leaf);
    MerkleTreeLeaf x509 = new MerkleTreeLeaf(TimestampedEntry.x509(1, finalCert.getEncoded(), new byte[0]));
    assertThat(MerkleTreeLeaf.parse(x509.encode())).isEqualTo(x509);
    assertThat(x509.encode()[0]).isZero();
    assertThat(BigInteger.valueOf(precert.getSerialNumber().longValue())).isEqualTo(finalCert.getSerialNumber());
  }

  @Test
  void extraDataRoundTripsForBothEntryTypes() throws Exception {
    byte[] a = TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.der");
    byte[] b = Arrays.copyOf(a, 100);
    ExtraData x509 = new ExtraData(null, List.of(a, b));
    ExtraData got = ExtraData.parse(LogEntryType.X509_ENTRY, x509.encode());
    assertThat(got.preCertificate()).isNull();
    assertThat(got.chain()).containsExactly(a, b);
    ExtraData pre = ExtraData.parse(LogEntryType.PRECERT_ENTRY, new ExtraData(b, List.of(a)).encode());
    assertThat(pre.preCertificate()).isEqualTo(b);
    assertThat(pre.chain()).containsExactly(a);
    byte[] enc = x509.encode();
    assertThatThrownBy(() -> ExtraData.parse(LogEntryType.X509_ENTRY, Arrays.copyOf(enc, enc.length - 1)))
        .isInstanceOf(CtFormatException.class).hasMessage("certificate_chain: need " + (enc.length - 3) + " bytes, have "
            + (enc.length - 4));
    assertThatThrownBy(() -> ExtraData.parse(LogEntryType.PRECERT_ENTRY, enc))
        .isInstanceOf(CtFormatException.class);
  }

  @Test
  void merkleTreeLeafMutationsAreRejectedWithTheirReason() throws Exception {
    JsonNode v = TrustFixtures.json("ct/sct-and-merkle-leaf-vectors.json").get(0);
    byte[] leaf = B64.decode(v.path("merkle_tree_leaf_b64").asText());
    byte[] version = leaf.clone();
    version[0] = 1;
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(version)).hasMessage("version: got 1, want 0 (v1)");
    byte[] leafType = leaf.clone();
    leafType[1] = 1;
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(leafType)).hasMessage("leaf_type: got 1, want 0 (timestamped_entry)");
    byte[] entryType = leaf.clone();
    entryType[11] = 2;
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(entryType))
        .hasMessage("entry_type: unknown value 2, want 0 (x509) or 1 (precert)");
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(Arrays.copyOf(leaf, leaf.length + 1)))
        .hasMessage("MerkleTreeLeaf: 1 trailing bytes");
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(Arrays.copyOf(leaf, leaf.length - 1)))
        .hasMessage("extensions length: need 2 bytes, have 1");
    assertThatThrownBy(() -> MerkleTreeLeaf.parse(Arrays.copyOf(leaf, 20)))
        .hasMessage("issuer_key_hash: need 32 bytes, have 8");
  }

  @Test
  void sctListMutationsAreRejected() throws Exception {
    X509Certificate cert = Certificates.parse(
        TrustFixtures.read("certs/prod-github-actions-conformance-beacon-2024-12.pem"));
    byte[] list = SctList.encode(SctList.fromCertificate(cert));
    assertThatThrownBy(() -> SctList.parse(new byte[] {0, 0})).hasMessage("sct_list: empty, want at least one SCT");
    byte[] v2 = list.clone();
    v2[4] = 1;
    assertThatThrownBy(() -> SctList.parse(v2)).hasMessage("sct_version: got 1, want 0 (v1)");
    assertThatThrownBy(() -> SctList.parse(Arrays.copyOf(list, list.length + 1)))
        .hasMessage("SignedCertificateTimestampList: 1 trailing bytes");
    assertThatThrownBy(() -> CtExtensions.leafIndex(new byte[] {0, 0, 4, 0, 0, 0, 1}))
        .hasMessage("leaf_index: need 5 bytes, have 4");
    assertThat(CtExtensions.leafIndex(new byte[] {7, 0, 1, 9})).isEmpty();
  }
}
