package dev.sigwatch.alert.api;

/**
 * An answer other than 2xx, with what the client must fix. Rendered as
 * {@code {"error": {"status": 400, "code": "bad_parameter", "parameter": "limit", "message": "..."}}}.
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String parameter;

  public ApiException(int status, String code, String parameter, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.parameter = parameter;
  }

  /** 400 for a query parameter or body field that is missing, malformed or out of range. */
  public static ApiException badParameter(String parameter, String message) {
    return new ApiException(400, "bad_parameter", parameter, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", null, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The parameter or body field at fault, or null. */
  public String parameter() {
    return parameter;
  }
}
