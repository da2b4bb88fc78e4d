package dev.sigwatch.alert.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One endpoint: method, path template ({@code /api/v1/alerts/{id}}), the scope it needs ({@code null} = public)
 * and its handler. The OpenAPI document lists exactly these (a test holds them together).
 */
public record Route(String method, String template, Scope scope, Handler handler) {
  /** Handles one authenticated, size-checked request. Called concurrently from the server's threads. */
  @FunctionalInterface
  public interface Handler {
    ApiResponse handle(ApiRequest request) throws ApiException;
  }

  public Route {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("route template must start with /, was " + template);
    }
  }

  public static Route get(String template, Scope scope, Handler h) {
    return new Route("GET", template, scope, h);
  }

  public static Route post(String template, Scope scope, Handler h) {
    return new Route("POST", template, scope, h);
  }

  public static Route delete(String template, Scope scope, Handler h) {
    return new Route("DELETE", template, scope, h);
  }

  /** The raw (still encoded) path parameters when {@code rawPath} fits this template, else null. */
  Map<String, String> match(String rawPath) {
    String[] want = template.split("/", -1);
    String[] got = rawPath.split("/", -1);
    if (want.length != got.length) {
      return null;
    }
    List<String> names = new ArrayList<>();
    List<String> vals = new ArrayList<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith("{") && want[i].endsWith("}")) {
        if (got[i].isEmpty()) {
          return null;
        }
        names.add(want[i].substring(1, want[i].length() - 1));
        vals.add(got[i]);
      } else if (!want[i].equals(got[i])) {
        return null;
      }
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), vals.get(i));
    }
    return out;
  }
}
