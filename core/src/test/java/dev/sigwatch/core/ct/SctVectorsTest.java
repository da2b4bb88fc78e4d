package dev.sigwatch.core.ct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.core.x509.Certificates;
import dev.sigwatch.core.x509.ChainStatus;
import dev.sigwatch.core.x509.ChainVerifier;
import dev.sigwatch.core.x509.TrustFixtures;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Walks ct/sct-and-merkle-leaf-vectors.json: every value of every SCT vector. */
class SctVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static Map<String, TrustFixtures.CtLog> logs;
  private static Map<String, ChainVerifier> chains;

  @BeforeAll
  static void load() throws Exception {
    logs = TrustFixtures.ctLogs();
    chains = Map.of("prod", new ChainVerifier(TrustFixtures.cas("prod")),
        "stag", new ChainVerifier(TrustFixtures.cas("stag")));
  }

  static Stream<JsonNode> vectors() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    TrustFixtures.json("ct/sct-and-merkle-leaf-vectors.json").forEach(out::add);
    assertThat(out).hasSize(14);
    return out.stream();
  }

  /** The certificate's issuer, found by chain verification against the root named in ct_log. */
  static X509Certificate issuerOf(X509Certificate cert, String root) {
    ChainStatus s = chains.get(root).verify(cert, List.of());
    assertThat(s).isInstanceOf(ChainStatus.Fulcio.class);
    return ((ChainStatus.Fulcio) s).path().get(1);
  }

  /** {@link #issuerOf} for callers outside this class's lifecycle (loads the roots itself). */
  static X509Certificate issuerOfForIndex(X509Certificate cert, String root) throws Exception {
    if (chains == null) {
      load();
    }
    return issuerOf(cert, root);
  }

  private record Case(JsonNode want, X509Certificate cert, X509Certificate issuer, Sct sct, TimestampedEntry entry) {}

  private static Case load(JsonNode want) throws Exception {
    X509Certificate cert = Certificates.parse(TrustFixtures.read(want.path("cert_file").asText()));
    X509Certificate issuer = issuerOf(cert, want.path("ct_log").asText().substring(0, 4));
    byte[] logId = B64.decode(want.path("log_id_b64").asText());
    Sct sct = SctList.fromCertificate(cert).stream().filter(s -> Arrays.equals(s.logId(), logId))
        .findFirst().orElseThrow();
    TimestampedEntry entry = TimestampedEntry.precert(sct.timestamp(),
        PrecertTbs.issuerKeyHash(issuer.getPublicKey()), PrecertTbs.fromFinalCertificate(cert), sct.extensions());
    return new Case(want, cert, issuer, sct, entry);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void sctFields(JsonNode want) throws Exception {
    Case c = load(want);
    assertThat(c.sct().timestamp()).isEqualTo(want.path("timestamp_ms").asLong());
    assertThat(HEX.formatHex(c.sct().extensions())).isEqualTo(want.path("sct_extensions_hex").asText());
    assertThat(c.sct().signature()).isEqualTo(B64.decode(want.path("sct_signature_b64").asText()));
    assertThat(want.path("sct_version").asInt()).isEqualTo(Sct.V1);
    assertThat(want.path("sct_signature_alg").asText()).isEqualTo("ecdsa-with-SHA256");
    assertThat(c.sct().jcaAlgorithm()).isEqualTo("SHA256withECDSA");
    assertThat(logs.get(want.path("log_id_b64").asText()).name()).isEqualTo(want.path("ct_log").asText());
    assertThat(Sct.parse(c.sct().encode())).isEqualTo(c.sct());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void issuerKeyHashAndPrecertTbs(JsonNode want) throws Exception {
    Case c = load(want);
    assertThat(c.issuer().getSubjectX500Principal().getName()).isEqualTo(want.path("issuer_subject").asText());
    assertThat(HEX.formatHex(c.entry().issuerKeyHash())).isEqualTo(want.path("issuer_key_hash_hex").asText());
    byte[] wantTbs = B64.decode(want.path("tbs_precertificate_b64").asText());
    assertThat(c.entry().certificate()).isEqualTo(wantTbs);
    assertThat(PrecertTbs.tbsHash(c.entry().certificate())).isEqualTo(PrecertTbs.tbsHash(wantTbs));
    assertThat(c.cert().getTBSCertificate()).isNotEqualTo(wantTbs); // the SCT list really was removed
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signedDataMerkleLeafAndLeafHash(JsonNode want) throws Exception {
    Case c = load(want);
    byte[] wantLeaf = B64.decode(want.path("merkle_tree_leaf_b64").asText());
    assertThat(c.sct().signingInput(c.entry())).isEqualTo(B64.decode(want.path("sct_signed_data_b64").asText()));
    MerkleTreeLeaf leaf = new MerkleTreeLeaf(c.entry());
    assertThat(leaf.encode()).isEqualTo(wantLeaf);
    assertThat(MerkleTreeLeaf.parse(wantLeaf)).isEqualTo(leaf);
    assertThat(HEX.formatHex(leaf.leafHash())).isEqualTo(want.path("leaf_hash_hex").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signatureVerifiesAndMutationsDoNot(JsonNode want) throws Exception {
    Case c = load(want);
    var key = logs.get(want.path("log_id_b64").asText()).key();
    assertThat(SctVerifier.verify(c.sct(), c.entry(), key)).isEqualTo(want.path("signature_verified").asBoolean());
    assertThat(SctVerifier.verifyEmbedded(c.sct(), c.cert(), c.issuer().getPublicKey(), key)).isTrue();

    Sct laterTimestamp = new Sct(c.sct().logId(), c.sct().timestamp() + 1, c.sct().extensions(),
        c.sct().hashAlgorithm(), c.sct().signatureAlgorithm(), c.sct().signature());
    assertThat(SctVerifier.verify(laterTimestamp, c.entry(), key)).isFalse();
    byte[] tbs = c.entry().certificate().clone();
    tbs[tbs.length / 2] ^= 1;
    assertThat(SctVerifier.verify(c.sct(),
        TimestampedEntry.precert(c.sct().timestamp(), c.entry().issuerKeyHash(), tbs, c.sct().extensions()), key))
        .isFalse();
    byte[] ikh = c.entry().issuerKeyHash().clone();
    ikh[0] ^= 1;
    assertThat(SctVerifier.verify(c.sct(), TimestampedEntry.precert(c.sct().timestamp(), ikh,
        c.entry().certificate(), c.sct().extensions()), key)).isFalse();
    // The other log of the same root does not verify this SCT.
    logs.values().stream().filter(l -> !Arrays.equals(l.logId(), c.sct().logId()))
        .forEach(l -> assertThat(SctVerifier.verify(c.sct(), c.entry(), l.key())).as(l.name()).isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void staticCtLeafIndexAndDataTile(JsonNode want) throws Exception {
    Case c = load(want);
    if (!want.has("static_ct_leaf_index")) {
      assertThat(c.sct().leafIndex()).isEmpty();
      return;
    }
    long index = want.path("static_ct_leaf_index").asLong();
    assertThat(c.sct().leafIndex()).hasValue(index);
    assertThat(CtExtensions.ofLeafIndex(index)).isEqualTo(c.sct().extensions());
    assertThat(TileLeaf.dataTile(index).path()).isEqualTo(want.path("static_ct_data_tile_path").asText());
    assertThat(index % 256).isEqualTo(want.path("static_ct_position_in_tile").asLong());

    // A data tile entry for it: the TileLeaf hashes to the same leaf as the RFC 6962 MerkleTreeLeaf.
    byte[] fingerprint = Certificates.sha256(c.issuer().getEncoded());
    TileLeaf tl = new TileLeaf(c.entry(), c.cert().getEncoded(), List.of(fingerprint));
    List<TileLeaf> tile = TileLeaf.parseTile(concat(tl.encode(), tl.encode()));
    assertThat(tile).containsExactly(tl, tl);
    assertThat(HEX.formatHex(tile.get(1).merkleTreeLeaf().leafHash())).isEqualTo(want.path("leaf_hash_hex").asText());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
