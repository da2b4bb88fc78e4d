package dev.sigwatch.match.watchlist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The literal a watchlist rule's regex requires: read conservatively, never one a match can lack. */
class RequiredLiteralTest {

  @ParameterizedTest(name = "{0} -> \"{1}\"")
  @CsvSource(delimiter = '\t', quoteCharacter = '\'', value = {
      "^https://github\\.com/org1/.*/release\\.yml@refs/tags/v.*\thttps://github.com/org1/",
      "user3@example\\.com\tuser3@example.com",
      "ab*cdef\tcdef",
      "abcd?ef\tabc",
      "abc+def\tabc",
      "ab{2}cdefg\tcdefg",
      "abc(def)?ghij\tghij",
      "abc(d|e)fg\tabc",
      "a|bcdef\t''",
      "(?i)ALICE@example\\.com\t''",
      "x[a-z]+yz\tyz",
      "[]abc]def\tdef",
      "\\d+abc\\wxyz\tabc",
      ".*\t''",
      "\\Qa.b\\E\t''",
      "a{2}\t''",
      "x(ab){2}yz\tyz",
  })
  void readsTheLongestRequiredRun(String regex, String want) {
    assertThat(RequiredLiteral.of(regex)).isEqualTo(want);
  }

  /** Every value a rule's regex finds contains its literal, on a set of values built to hit the edges. */
  @Test
  void aMatchAlwaysContainsTheLiteral() {
    List<String> regexes = List.of("ab*cdef", "abcd?ef", "abc+def", "ab{2}cdefg", "abc(def)?ghij", "x[a-z]+yz",
        "^https://github\\.com/o/.*@refs/tags/v.*", "e\\.x\\-y", "a(b|c)d(e)*f");
    List<String> values = List.of("acdef", "abbbbcdef", "abcef", "abcdef", "abccccdef", "abbcdefg", "abcghij",
        "abcdefghij", "xqyz", "https://github.com/o/r@refs/tags/v1", "e.x-y", "abdf", "acdeeef", "zzz");
    for (String r : regexes) {
      String literal = RequiredLiteral.of(r);
      for (String v : values) {
        if (Pattern.compile(r).matcher(v).find()) {
          assertThat(v).as(r).contains(literal);
        }
      }
    }
  }
}
