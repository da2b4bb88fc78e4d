package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * A request as a handler sees it: authenticated, within the size limits, body parsed.
 *
 * @param rawPathParams path parameters, still percent-encoded
 * @param rawQuery the query string, still percent-encoded (null when none)
 * @param body the JSON body, or null when there was none
 * @param principal the name of the token that authenticated the request (null on a public endpoint)
 * @param scope that token's scope (null on a public endpoint)
 */
public record ApiRequest(String method, Map<String, String> rawPathParams, String rawQuery, JsonNode body,
                         String principal, Scope scope) {
  public ApiRequest {
    rawPathParams = Map.copyOf(rawPathParams);
  }

  /** The query parameters; any name outside {@code allowed} is a 400 naming it. */
  public Params params(Set<String> allowed) throws ApiException {
    return Params.parse(rawQuery, allowed);
  }

  /** A path parameter, decoded. */
  public String path(String name) throws ApiException {
    return Params.pathSegment(rawPathParams.get(name), name);
  }

  /** A required text field of the body, at most {@code maxChars} long; 400 naming it otherwise. */
  public String bodyText(String field, int maxChars, boolean required) throws ApiException {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      if (required) {
        throw ApiException.badParameter(field, "the JSON body must have a non-empty text field '" + field + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badParameter(field, field + " must be a string, was " + v.getNodeType());
    }
    if (v.asText().length() > maxChars) {
      throw ApiException.badParameter(field, field + " is longer than " + maxChars + " characters");
    }
    return v.asText();
  }
}
