package dev.sigwatch.match.topology;

/**
 * The CT ⋈ Rekor join's value in its {@code seen} store ({@link JoinProcessor}): a hash's seen marks ({@code C}, {@code R}) with what rebuilds its deadlines: {@code need} (notAfter + grace), the
 * wall-clock bound of the marks, and when its pending side (at most one: the second side ends the wait) arrived.
 * Encoded {@code marks|need|wall|arrived}; a value of marks only (before 2026-12-05) has no deadlines ({@code -1}).
 */
record Seen(String marks, long need, long wall, long arrived) {
  static Seen decode(String s) {
    String[] f = s.split("\\|", -1);
    if (f.length < 4) return new Seen(s, -1, -1, -1);
    return new Seen(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
  }

  String encode() {
    return marks + "|" + need + "|" + wall + "|" + arrived;
  }
}
