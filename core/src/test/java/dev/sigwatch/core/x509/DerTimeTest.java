package dev.sigwatch.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DerTime}: the RFC 5280 forms decoded (expected instants worked out by hand), everything else left to
 * BouncyCastle (null), and — differentially — never a different instant from BouncyCastle's {@code getDate} where
 * both decode.
 */
class DerTimeTest {
  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT);
  private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("uuuuMMddHHmmss'Z'", Locale.ROOT);

  private static Instant utc(String contents) {
    byte[] b = contents.getBytes(StandardCharsets.ISO_8859_1);
    return DerTime.decode(DerTime.UTC_TIME, b, 0, b.length);
  }

  private static Instant generalized(String contents) {
    byte[] b = contents.getBytes(StandardCharsets.ISO_8859_1);
    return DerTime.decode(DerTime.GENERALIZED_TIME, b, 0, b.length);
  }

  @ParameterizedTest
  @CsvSource({
      "500101000000Z, 1950-01-01T00:00:00Z", // the window's first second
      "491231235959Z, 2049-12-31T23:59:59Z", // and its last
      "700101000000Z, 1970-01-01T00:00:00Z",
      "000229120000Z, 2000-02-29T12:00:00Z", // 2000 is a leap year (divisible by 400)
      "240229235959Z, 2024-02-29T23:59:59Z",
      "251005083015Z, 2025-10-05T08:30:15Z"})
  void utcTimeInTheRfc5280Window(String contents, String want) {
    assertThat(utc(contents)).isEqualTo(Instant.parse(want));
  }

  @ParameterizedTest
  @CsvSource({
      "20500101000000Z, 2050-01-01T00:00:00Z",
      "99991231235959Z, 9999-12-31T23:59:59Z", // RFC 5280's "no well-defined expiration date"
      "16000229000000Z, 1600-02-29T00:00:00Z", // first year decoded here; 1600 is a leap year
      "19700101000000Z, 1970-01-01T00:00:00Z",
      "21000228235959Z, 2100-02-28T23:59:59Z"})
  void generalizedTime(String contents, String want) {
    assertThat(generalized(contents)).isEqualTo(Instant.parse(want));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "Z", "2501010000Z", // no seconds (BouncyCastle reads it)
      "250101000000", "2501010000000", "250101000000z", "250101000000X", // no Z
      "2501010000+0100", "250101000000+0000", "250101000000-0800", // offsets
      "251301000000Z", "250001000000Z", "250100000000Z", "250132000000Z", // month, day out of range
      "250229000000Z", "210229000000Z", "250431000000Z", // no such day
      "250101240000Z", "250101006000Z", "250101000060Z", // hour 24, minute 60, leap second
      "2a0101000000Z", "25010100000 Z", " 250101000000", "25010100000-Z", "250101000000ZZ"})
  void utcTimeOutsideTheStrictFormIsLeftToBouncyCastle(String contents) {
    assertThat(utc(contents)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2025010100Z", "202501010000Z", "20250101000000", "20250101000000.5Z", "20250101000000.123Z",
      "20250101000000+0100", "20251301000000Z", "20250230000000Z", "21000229000000Z", "20250101000060Z",
      "15821015000000Z", "15991231235959Z", "00000101000000Z", // before 1600: the Julian calendar in SimpleDateFormat
      "2O250101000000Z", "202501010000000Z"})
  void generalizedTimeOutsideTheStrictFormIsLeftToBouncyCastle(String contents) {
    assertThat(generalized(contents)).isNull();
  }

  @Test
  void theTagDecidesTheForm() {
    byte[] utc = "250101000000Z".getBytes(StandardCharsets.US_ASCII);
    byte[] gen = "20250101000000Z".getBytes(StandardCharsets.US_ASCII);
    assertThat(DerTime.decode(DerTime.GENERALIZED_TIME, utc, 0, utc.length)).isNull();
    assertThat(DerTime.decode(DerTime.UTC_TIME, gen, 0, gen.length)).isNull();
    assertThat(DerTime.decode(0x04, gen, 0, gen.length)).isNull(); // an OCTET STRING
  }

  @Test
  void readsContentsWithinALargerArray() {
    byte[] b = "xx250101000000Zyy".getBytes(StandardCharsets.US_ASCII);
    assertThat(DerTime.decode(DerTime.UTC_TIME, b, 2, 15)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
  }

  /** Random instants over both windows, formatted strictly: the instant itself, and BouncyCastle's. */
  @Test
  void randomStrictTimesAgreeWithBouncyCastle() throws Exception {
    Random r = new Random(15);
    long utcFrom = Instant.parse("1950-01-01T00:00:00Z").getEpochSecond();
    long utcTo = Instant.parse("2050-01-01T00:00:00Z").getEpochSecond();
    long genFrom = Instant.parse("1600-01-01T00:00:00Z").getEpochSecond();
    long genTo = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      Instant u = Instant.ofEpochSecond(utcFrom + Math.floorMod(r.nextLong(), utcTo - utcFrom));
      String us = LocalDateTime.ofInstant(u, ZoneOffset.UTC).format(UTC);
      assertThat(utc(us)).as(us).isEqualTo(u).isEqualTo(bouncyCastle(DerTime.UTC_TIME, us));
      Instant g = Instant.ofEpochSecond(genFrom + Math.floorMod(r.nextLong(), genTo - genFrom));
      String gs = LocalDateTime.ofInstant(g, ZoneOffset.UTC).format(GENERALIZED);
      assertThat(generalized(gs)).as(gs).isEqualTo(g).isEqualTo(bouncyCastle(DerTime.GENERALIZED_TIME, gs));
    }
  }

  /**
   * Strict strings with one or two characters replaced by a digit or a character of the other forms: where this
   * class decodes, BouncyCastle gives the same instant (it reads the rest, leniently).
   */
  @Test
  void mutatedTimesNeverDisagreeWithBouncyCastle() throws Exception {
    Random r = new Random(5280);
    String alphabet = "0123456789Z+-. z";
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean isUtc = r.nextBoolean();
      char[] c = (isUtc ? "491231235959Z" : "20491231235959Z").toCharArray();
      for (int k = 1 + r.nextInt(2); k > 0; k--) {
        c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
      }
      String s = new String(c);
      int tag = isUtc ? DerTime.UTC_TIME : DerTime.GENERALIZED_TIME;
      Instant mine = isUtc ? utc(s) : generalized(s);
      if (mine != null) {
        decoded++;
        assertThat(mine).as(s).isEqualTo(bouncyCastle(tag, s));
      }
    }
    assertThat(decoded).isGreaterThan(1_000);
  }

  @Test
  void refusesARangeOutsideTheArray() {
    byte[] b = new byte[13];
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DerTime.decode(DerTime.UTC_TIME, b, 1, 14))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not within 13 bytes");
  }

  /** BouncyCastle's instant for a UTCTime / GeneralizedTime with these contents (what {@code Time.getDate} gives). */
  static Instant bouncyCastle(int tag, String contents) throws Exception {
    byte[] c = contents.getBytes(StandardCharsets.ISO_8859_1);
    byte[] tlv = new byte[c.length + 2];
    tlv[0] = (byte) tag;
    tlv[1] = (byte) c.length;
    System.arraycopy(c, 0, tlv, 2, c.length);
    ASN1Primitive p = ASN1Primitive.fromByteArray(tlv);
    return (p instanceof ASN1UTCTime u ? u.getAdjustedDate() : ((ASN1GeneralizedTime) p).getDate()).toInstant();
  }
}
