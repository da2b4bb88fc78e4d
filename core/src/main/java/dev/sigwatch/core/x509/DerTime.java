package dev.sigwatch.core.x509;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * The two forms RFC 5280 §4.1.2.5 allows for a certificate's validity, decoded from their DER contents octets without
 * BouncyCastle's {@code Time.getDate} (which builds two {@code SimpleDateFormat}s per call: 9% of matching an entry).
 * <ul>
 *   <li>UTCTime {@code YYMMDDHHMMSSZ}: 13 octets; YY 50–99 is 19YY, 00–49 is 20YY;</li>
 *   <li>GeneralizedTime {@code YYYYMMDDHHMMSSZ}: 15 octets.</li>
 * </ul>
 * Every field must be in range (month 1–12, day within the month, hour 0–23, minute and second 0–59). Anything else
 * — another length, a time zone offset, fractional seconds, a 60th second, a non-digit — is not decoded here:
 * {@link #decode} returns null and the caller asks BouncyCastle, so what a certificate says its validity is stays
 * exactly what it was (BouncyCastle reads those forms leniently; rejecting them would turn a certificate a log
 * accepted into a DLQ record and hide its identity from the watchlist). A GeneralizedTime year before 1600 is left
 * to BouncyCastle too: {@code SimpleDateFormat} counts dates before 1582 in the Julian calendar, this class in the
 * proleptic Gregorian one.
 *
 * <p>Stateless and thread-safe.
 */
public final class DerTime {
  /** The DER identifier octet of a primitive UTCTime. */
  public static final int UTC_TIME = 0x17;
  /** The DER identifier octet of a primitive GeneralizedTime. */
  public static final int GENERALIZED_TIME = 0x18;

  private static final int FIRST_GREGORIAN_YEAR = 1600;

  private DerTime() {}

  /**
   * The instant of a UTCTime ({@code tag} {@link #UTC_TIME}) or GeneralizedTime ({@link #GENERALIZED_TIME}) whose
   * contents are {@code b[from, to)}, or null when they are not in the RFC 5280 form (see the class comment).
   */
  public static Instant decode(int tag, byte[] b, int from, int to) {
    if (from < 0 || to > b.length || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") is not within " + b.length + " bytes");
    }
    int year;
    int p;
    if (tag == UTC_TIME && to - from == 13) {
      int yy = two(b, from);
      if (yy < 0) {
        return null;
      }
      year = yy < 50 ? 2000 + yy : 1900 + yy;
      p = from + 2;
    } else if (tag == GENERALIZED_TIME && to - from == 15) {
      int hi = two(b, from);
      int lo = two(b, from + 2);
      if (hi < 0 || lo < 0) {
        return null;
      }
      year = hi * 100 + lo;
      if (year < FIRST_GREGORIAN_YEAR) {
        return null;
      }
      p = from + 4;
    } else {
      return null;
    }
    int month = two(b, p);
    int day = two(b, p + 2);
    int hour = two(b, p + 4);
    int minute = two(b, p + 6);
    int second = two(b, p + 8);
    if (b[p + 10] != 'Z' || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null; // two() is -1 for a non-digit, which every range check above refuses
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
  }

  /** The two decimal digits at {@code b[i]}, or -1. */
  private static int two(byte[] b, int i) {
    int d1 = b[i] - '0';
    int d2 = b[i + 1] - '0';
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      return -1;
    }
    return d1 * 10 + d2;
  }

  private static int daysIn(int year, int month) {
    return Month.of(month).length(Year.isLeap(year));
  }
}
