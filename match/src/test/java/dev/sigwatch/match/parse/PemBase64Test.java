package dev.sigwatch.match.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PemBase64} against the JDK's MIME decoder it replaces: the same bytes, or the same error, for every fixture
 * PEM, hand-made edge cases of padding and line breaks, and random mutations of real bodies; and the fast path taken
 * for the shapes real PEM has.
 */
class PemBase64Test {
  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  /** What {@code decode} gives: the bytes, or the error's class and message. */
  private static Object outcome(byte[] text, int from, int to, boolean mime) {
    try {
      return Arrays.toString(mime ? PemBase64.mime(text, from, to) : PemBase64.decode(text, from, to));
    } catch (IllegalArgumentException e) {
      return "IllegalArgumentException: " + e.getMessage();
    }
  }

  private static void assertAsMime(byte[] text) {
    assertThat(outcome(text, 0, text.length, false)).as(new String(text, StandardCharsets.ISO_8859_1))
        .isEqualTo(outcome(text, 0, text.length, true));
  }

  static Stream<Path> pemFiles() throws IOException {
    Path certs = Path.of(System.getProperty("sigwatch.fixtures", "../shared/fixtures")).resolve("certs");
    try (Stream<Path> s = Files.list(certs)) {
      return s.filter(p -> p.toString().endsWith(".pem")).sorted().toList().stream();
    }
  }

  /** The body between the markers of each fixture PEM: fast path, and the MIME decoder's bytes. */
  @ParameterizedTest
  @MethodSource("pemFiles")
  void fixtureBodiesDecodeOnTheFastPathAsMime(Path file) throws IOException {
    byte[] pem = Files.readAllBytes(file);
    String text = new String(pem, StandardCharsets.US_ASCII);
    int from = text.indexOf(BEGIN) + BEGIN.length();
    int to = text.indexOf(END);
    assertThat(PemBase64.fast(pem, from, to)).isNotNull().isEqualTo(PemBase64.mime(pem, from, to));
    byte[] crlf = text.substring(from, to).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    assertThat(PemBase64.fast(crlf, 0, crlf.length)).isNotNull().isEqualTo(PemBase64.mime(crlf, 0, crlf.length));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "\n", "QUJD", "QUJD\n", "\nQUJD\r\n", "QUI=", "QUI=\n", "QQ==", "QQ==\r\n", "QUJDRA==\n\n",
      // left to the MIME decoder: each either decodes there or fails with its message
      "QUI", "QQ", "Q", "QUJDR", "QQ=", "QQ=\n=", "QQ===", "QUI==", "QUJD=", "QUJD==", "=", "==", "QQ==QQ==",
      "QQ==\nQUJD", "QUJD QUJD", "QQ\nQ==", "QUJD\nQ=\n=", "QUJDQUJD\nQUJD\nQUJD\r\nQQ==", "QUJD\nQU\nJD\nQQ==", "QUJD\tQUJD", "QU-JD", "QUJD!", "QQ==!", "QQ==\u00e9", "Q\u00e9UJD", "QR==", "QUK=",
      "-----", "QUJD\n-----END", "\r\r\n\n"})
  void edgeCasesDecodeAsMime(String body) {
    assertAsMime(body.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void theFastPathTakesOnlyTheUsualShapes() {
    for (String usual : List.of("QUJD", "QUI=\n", "QQ==\r\n", "QUJD\nQUJD\n", "", "QUI", "QQ\n==")) {
      byte[] b = usual.getBytes(StandardCharsets.US_ASCII);
      assertThat(PemBase64.fast(b, 0, b.length)).as(usual).isNotNull();
    }
    for (String other : List.of("QQ=", "QQ=\n=", "QUJD\nQ=\n=", "QQ===", "QUJD ", "QUJD=", "Q", "QQ==x", "QUJD\tQUJD")) {
      byte[] b = other.getBytes(StandardCharsets.US_ASCII);
      assertThat(PemBase64.fast(b, 0, b.length)).as(other).isNull();
    }
  }

  @Test
  void decodesARangeOfALargerArray() {
    byte[] b = "xxQUJDyy".getBytes(StandardCharsets.US_ASCII);
    assertThat(PemBase64.decode(b, 2, 6)).containsExactly('A', 'B', 'C');
  }

  /**
   * Real bodies with characters inserted, replaced or deleted (alphabet, padding, line breaks, spaces, non-ASCII):
   * every outcome equals the MIME decoder's.
   */
  @Test
  void mutatedBodiesDecodeAsMime() throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    for (Path p : (Iterable<Path>) pemFiles()::iterator) {
      String text = Files.readString(p, StandardCharsets.ISO_8859_1);
      bodies.add(text.substring(text.indexOf(BEGIN) + BEGIN.length(), text.indexOf(END))
          .getBytes(StandardCharsets.ISO_8859_1));
    }
    byte[] pool = "AZaz09+/===\r\n\n \t-.\u00e9\u0080\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    Random r = new Random(2253);
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] body = bodies.get(r.nextInt(bodies.size()));
      // mutate near the end half of the time: that is where padding lives
      int at = r.nextBoolean() ? body.length - 1 - r.nextInt(Math.min(8, body.length)) : r.nextInt(body.length);
      byte[] m = switch (r.nextInt(3)) {
        case 0 -> {
          byte[] o = Arrays.copyOf(body, body.length + 1);
          System.arraycopy(body, at, o, at + 1, body.length - at);
          o[at] = pool[r.nextInt(pool.length)];
          yield o;
        }
        case 1 -> {
          byte[] o = body.clone();
          o[at] = pool[r.nextInt(pool.length)];
          yield o;
        }
        default -> {
          byte[] o = new byte[body.length - 1];
          System.arraycopy(body, 0, o, 0, at);
          System.arraycopy(body, at + 1, o, at, body.length - at - 1);
          yield o;
        }
      };
      if (PemBase64.fast(m, 0, m.length) != null) {
        fast++;
      }
      assertAsMime(m);
    }
    assertThat(fast).isGreaterThan(1_000); // both paths exercised
  }
}
