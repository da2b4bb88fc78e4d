package dev.sigwatch.core.ct;

/** RFC 6962 LogEntryType. */
public enum LogEntryType {
  X509_ENTRY(0),
  PRECERT_ENTRY(1);

  private final int code;

  LogEntryType(int code) {
    this.code = code;
  }

  /** The wire value (uint16). */
  public int code() {
    return code;
  }

  static LogEntryType of(long code) throws CtFormatException {
    for (LogEntryType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new CtFormatException("entry_type: unknown value " + code + ", want 0 (x509) or 1 (precert)");
  }
}
