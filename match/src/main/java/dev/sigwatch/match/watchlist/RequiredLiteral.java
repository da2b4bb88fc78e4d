package dev.sigwatch.match.watchlist;

/**
 * The longest run of characters that every match of an RE2 expression contains, read conservatively from its text, so
 * a rule can skip the regex engine for a value that lacks it ({@code String.contains} is a vectorized scan; building
 * an RE2J matcher and running it over 100 rules per SAN was 14% of the match stage's thread).
 *
 * <p>Only a top-level concatenation is read: an expression with a top-level {@code |}, any flag group {@code (?...)}
 * (case folding, multi-line...) or a quoted run {@code \Q...\E} has no required literal here, and every group, class, escape other than an escaped
 * punctuation character, {@code .}, anchor and quantified character ends a run. So the literal is always a true
 * necessary condition, possibly shorter than the best one. Stateless and thread-safe.
 */
final class RequiredLiteral {
  private RequiredLiteral() {}

  /** The required literal of {@code regex}, or "" when none is known. */
  static String of(String regex) {
    if (regex.contains("(?") || regex.contains("\\Q")) {
      return "";
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (inClass) {
        if (c == '\\') {
          i++;
        } else if (c == ']') {
          inClass = false;
        }
        continue;
      }
      if (c == '[') { // a class: ends the run; ']' right after '[' or '[^' is a member
        best = longer(best, run);
        run.setLength(0);
        inClass = true;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') i++;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') i++;
        continue;
      }
      if (c == '(') {
        best = longer(best, run);
        run.setLength(0);
        depth++;
        continue;
      }
      if (c == ')') { // whatever quantifies the group, its contents never add to a run
        depth--;
        continue;
      }
      if (depth > 0) {
        if (c == '\\') i++;
        continue;
      }
      if (c == '|') {
        return ""; // a top-level alternative: no character is required
      }
      char literal;
      if (c == '\\') {
        if (i + 1 >= regex.length()) break;
        char e = regex.charAt(++i);
        if (Character.isLetterOrDigit(e) || e == '_') { // \d, \w, \b, \Q, \x41, \pL, octal...: not a plain literal
          best = longer(best, run);
          run.setLength(0);
          continue;
        }
        literal = e;
      } else if (".^$*+?{}".indexOf(c) >= 0) {
        best = longer(best, run);
        run.setLength(0);
        if (c == '{') { // a count {n,m}: its digits are no characters of the text
          int close = regex.indexOf('}', i);
          i = close < 0 ? regex.length() : close;
        }
        continue;
      } else {
        literal = c;
      }
      char next = i + 1 < regex.length() ? regex.charAt(i + 1) : 0;
      if (next == '*' || next == '?' || next == '{') { // optional or counted: not required as one character
        best = longer(best, run);
        run.setLength(0);
        continue;
      }
      run.append(literal);
      if (next == '+') { // required once, then repeats: the run ends after it
        best = longer(best, run);
        run.setLength(0);
      }
    }
    return longer(best, run);
  }

  private static String longer(String best, StringBuilder run) {
    return run.length() > best.length() ? run.toString() : best;
  }
}
