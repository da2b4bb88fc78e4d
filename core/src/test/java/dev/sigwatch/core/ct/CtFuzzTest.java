package dev.sigwatch.core.ct;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.fuzz.FuzzSeeds;
import dev.sigwatch.core.x509.CertificateParseException;
import dev.sigwatch.core.x509.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer targets for CT encodings: leaf_input (MerkleTreeLeaf), extra_data, static-ct data tiles, SCT lists and
 * the precert TBS. Any input yields a value or a {@link CtFormatException}; what parses re-encodes to the same
 * bytes (the parsers are strict, so a leaf hash computed from the parsed value is the hash of what was served).
 */
class CtFuzzTest {
  @BeforeAll
  static void seed() {
    FuzzSeeds.write(CtFuzzTest.class, "merkleTreeLeaf", vectorField("merkle_tree_leaf_b64"));
    FuzzSeeds.write(CtFuzzTest.class, "precertTbs", vectorField("tbs_precertificate_b64"));
    FuzzSeeds.write(CtFuzzTest.class, "extraData", extraDatas());
    FuzzSeeds.write(CtFuzzTest.class, "dataTile", dataTiles());
    FuzzSeeds.write(CtFuzzTest.class, "sctList", sctLists());
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 5_000_000)
  void merkleTreeLeaf(byte[] input) {
    MerkleTreeLeaf leaf;
    try {
      leaf = MerkleTreeLeaf.parse(input);
    } catch (CtFormatException expected) {
      return;
    }
    assertThat(leaf.encode()).isEqualTo(input);
    TimestampedEntry e = leaf.entry();
    try {
      CtExtensions.leafIndex(e.extensions());
      if (e.entryType() == LogEntryType.PRECERT_ENTRY) {
        PrecertTbs.strip(e.certificate());
      }
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
  }

  /** The first byte picks the entry type, the rest is the extra_data. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void extraData(byte[] input) {
    if (input.length == 0) {
      return;
    }
    LogEntryType type = (input[0] & 1) == 0 ? LogEntryType.X509_ENTRY : LogEntryType.PRECERT_ENTRY;
    byte[] data = Arrays.copyOfRange(input, 1, input.length);
    try {
      assertThat(ExtraData.parse(type, data).encode()).isEqualTo(data);
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void dataTile(byte[] input) {
    List<TileLeaf> leaves;
    try {
      leaves = TileLeaf.parseTile(input);
    } catch (CtFormatException expected) {
      return;
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    for (TileLeaf l : leaves) {
      again.writeBytes(l.encode());
      try {
        CtExtensions.leafIndex(l.entry().extensions());
      } catch (CtFormatException expected) {
        // a value or a CtFormatException
      }
    }
    assertThat(again.toByteArray()).isEqualTo(input);
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void sctList(byte[] input) {
    try {
      for (Sct s : SctList.parse(input)) {
        s.leafIndex();
        s.jcaAlgorithm();
      }
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 500_000)
  void precertTbs(byte[] input) {
    try {
      PrecertTbs.strip(input);
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void fixtureVectors(JsonNode v) {
    merkleTreeLeaf(Base64.getDecoder().decode(v.get("merkle_tree_leaf_b64").asText()));
    precertTbs(Base64.getDecoder().decode(v.get("tbs_precertificate_b64").asText()));
  }

  @ParameterizedTest
  @MethodSource("extraDatas")
  void fixtureExtraData(byte[] input) {
    extraData(input);
  }

  @ParameterizedTest
  @MethodSource("dataTiles")
  void fixtureDataTiles(byte[] input) {
    dataTile(input);
  }

  static Stream<JsonNode> vectors() {
    try {
      List<JsonNode> out = new ArrayList<>();
      new ObjectMapper().readTree(FuzzSeeds.fixtures().resolve("ct/sct-and-merkle-leaf-vectors.json").toFile())
          .forEach(out::add);
      return out.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<byte[]> vectorField(String field) {
    return vectors().map(v -> Base64.getDecoder().decode(v.get(field).asText()));
  }

  /** The fixtures hold no CT get-entries answer: extra_data built from the vectors' certificates, both types. */
  static Stream<byte[]> extraDatas() {
    return vectors().flatMap(v -> {
      byte[] cert = FuzzSeeds.read(FuzzSeeds.fixtures().resolve(v.get("cert_file").asText()));
      byte[] x509 = new ExtraData(null, List.of(cert)).encode();
      byte[] pre = new ExtraData(cert, List.of(cert, cert)).encode();
      return Stream.of(prefixed(0, x509), prefixed(1, pre));
    });
  }

  /** Data tiles built from the vectors' leaves (one x509 and one precert shape each). */
  static Stream<byte[]> dataTiles() {
    return vectors().map(v -> {
      MerkleTreeLeaf leaf;
      try {
        leaf = MerkleTreeLeaf.parse(Base64.getDecoder().decode(v.get("merkle_tree_leaf_b64").asText()));
      } catch (CtFormatException e) {
        throw new AssertionError(e);
      }
      TimestampedEntry e = leaf.entry();
      TimestampedEntry withIndex = e.entryType() == LogEntryType.PRECERT_ENTRY
          ? TimestampedEntry.precert(e.timestamp(), e.issuerKeyHash(), e.certificate(), CtExtensions.ofLeafIndex(7))
          : TimestampedEntry.x509(e.timestamp(), e.certificate(), CtExtensions.ofLeafIndex(7));
      byte[] pre = withIndex.entryType() == LogEntryType.PRECERT_ENTRY ? new byte[] {0x30, 0} : null;
      return new TileLeaf(withIndex, pre, List.of(new byte[32])).encode();
    });
  }

  /** The SCT lists embedded in the fixture certificates. */
  static Stream<byte[]> sctLists() {
    return FuzzSeeds.files("certs", ".pem").flatMap(f -> {
      try {
        List<Sct> scts = SctList.fromCertificate(Certificates.parse(FuzzSeeds.read(f)));
        return scts.isEmpty() ? Stream.empty() : Stream.of(SctList.encode(scts));
      } catch (CtFormatException | CertificateParseException e) {
        throw new AssertionError(f + ": " + e.getMessage(), e);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("sctLists")
  void fixtureSctLists(byte[] input) {
    sctList(input);
  }

  private static byte[] prefixed(int b, byte[] rest) {
    byte[] out = new byte[rest.length + 1];
    out[0] = (byte) b;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
