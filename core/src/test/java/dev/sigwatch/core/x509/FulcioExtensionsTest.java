package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.fuzz.FuzzSeeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The ASCII UTF8String shortcut of {@link FulcioExtensions}: where it reads a value, BouncyCastle's decoding gives
 * that value; it reads the shapes Fulcio writes; anything else is left to BouncyCastle.
 */
class FulcioExtensionsTest {

  /** What the shortcut gives must be what BouncyCastle gives: a UTF8String with that value. */
  private static void assertAsBouncyCastle(byte[] raw) {
    String fast = FulcioExtensions.asciiUtf8String(raw);
    if (fast == null) {
      return;
    }
    ASN1Primitive p;
    try {
      p = Der.decode(raw);
    } catch (java.io.IOException e) {
      throw new AssertionError("read " + fast + " where BouncyCastle fails: " + HexFormat.of().formatHex(raw), e);
    }
    assertThat(p).isInstanceOf(ASN1UTF8String.class);
    assertThat(fast).isEqualTo(((ASN1UTF8String) p).getString());
  }

  static Stream<byte[]> values() throws Exception {
    List<byte[]> out = new ArrayList<>(CertificateFuzzTest.extensionValues().toList());
    Path dir = Path.of(FulcioExtensionsTest.class.getResource("CertificateFuzzTestInputs/extensionValue").toURI());
    try (Stream<Path> s = Files.list(dir)) {
      s.sorted().map(FuzzSeeds::read).forEach(out::add);
    }
    return out.stream();
  }

  @Test
  void fixtureExtensionsAndTheFuzzCorpusReadAsBouncyCastleReadsThem() throws Exception {
    int read = 0;
    for (byte[] raw : (Iterable<byte[]>) values()::iterator) {
      assertAsBouncyCastle(raw);
      read += FulcioExtensions.asciiUtf8String(raw) == null ? 0 : 1;
    }
    assertThat(read).as("Fulcio's own values take the shortcut").isGreaterThan(50);
  }

  @Test
  void shortAndLongFormLengths() {
    assertThat(FulcioExtensions.asciiUtf8String(HexFormat.of().parseHex("0c00"))).isEmpty();
    assertThat(FulcioExtensions.asciiUtf8String(HexFormat.of().parseHex("0c03616263"))).isEqualTo("abc");
    byte[] longForm = new byte[3 + 200];
    longForm[0] = 0x0c;
    longForm[1] = (byte) 0x81;
    longForm[2] = (byte) 200;
    java.util.Arrays.fill(longForm, 3, longForm.length, (byte) 'x');
    assertThat(FulcioExtensions.asciiUtf8String(longForm)).isEqualTo("x".repeat(200));
    assertAsBouncyCastle(longForm);
  }

  @Test
  void everythingElseIsLeftToBouncyCastle() {
    for (String hex : List.of(
        "", "0c", "0c01", "0c0261", "0c016162", // truncated or trailing bytes
        "0c8103616263", "0c820003616263", "0c80", // a length not in its shortest form, indefinite
        "1303616263", "16036162", "0403616263", // other tags
        "0c02c3a9", "0c0180", "0c03ff6162")) { // not ASCII (é, a lone continuation byte, 0xff)
      assertThat(FulcioExtensions.asciiUtf8String(HexFormat.of().parseHex(hex))).as(hex).isNull();
    }
  }
}
