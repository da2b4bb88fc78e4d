package dev.sigwatch.simulator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A parsed request: method, path below the route prefix, query parameters and body. Immutable. */
public record Request(String method, String path, Map<String, String> query, byte[] body) {
  public Request {
    query = Map.copyOf(query);
  }

  /** Parses a raw query string ("a=1&b=2"); later duplicates win. */
  public static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The long query parameter {@code name}, or throws {@link BadRequest} naming it. */
  public long longParam(String name) throws BadRequest {
    String v = query.get(name);
    if (v == null) throw new BadRequest("missing query parameter " + name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BadRequest(name + " must be a number, but was: " + v);
    }
  }

  /** A client error to be answered with HTTP 400. */
  public static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    public BadRequest(String msg) {
      super(msg);
    }
  }
}
