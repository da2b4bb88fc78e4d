package dev.sigwatch.alert.api;

/** What a bearer token may do: {@code READ} reads everything; {@code ADMIN} also changes state. */
public enum Scope {
  READ,
  ADMIN;

  /** Whether a token of this scope may call an endpoint that requires {@code required}. */
  public boolean allows(Scope required) {
    return this == ADMIN || required == READ;
  }

  /** {@code read} / {@code admin} (any case), or an exception naming the accepted values. */
  public static Scope parse(String s) {
    for (Scope v : values()) {
      if (v.name().equalsIgnoreCase(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("scope must be read or admin, was '" + s + "'");
  }
}
