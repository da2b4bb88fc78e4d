package dev.sigwatch.alert.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The literal start of an anchored regex, which bounds a regex search to a range of the term index. */
class LiteralPrefixTest {
  @ParameterizedTest(name = "{0} -> ''{1}''")
  @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
      "^https://github\\.com/acme/ => https://github.com/acme/",
      "^dev123@example\\.com$ => dev123@example.com",
      "^dev[0-9]+@ => dev",
      "^devs?@ => dev",
      "^dev+@ => dev",
      "^ab*c => a",
      "^a{2} => \"\"",
      "dev@example\\.com => \"\"",
      "^a|^b => \"\"",
      "^(?i)acme => \"\"",
      "^\\w+ => \"\"",
      "^ => \"\"",
      "^x\\.y\\-z => x.y-z"})
  void isTheTextEveryMatchStartsWith(String regex, String prefix) {
    assertThat(IdentitySearch.literalPrefix(regex.strip())).isEqualTo(prefix);
  }
}
