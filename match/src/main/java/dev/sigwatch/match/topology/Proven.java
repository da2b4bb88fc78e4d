package dev.sigwatch.match.topology;

import dev.sigwatch.schemas.IdentitySource;

/** A log's proven position: everything it integrated by {@code provenTo} has been read; read from {@code from}. */
record Proven(IdentitySource side, long size, long provenTo, Long from, boolean complete) {
  static Proven decode(String s) {
    String[] f = s.split("\\|");
    return new Proven(IdentitySource.valueOf(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
        f[3].isEmpty() ? null : Long.valueOf(f[3]), Boolean.parseBoolean(f[4]));
  }

  String encode() {
    return side + "|" + size + "|" + provenTo + "|" + (from == null ? "" : from) + "|" + complete;
  }
}
