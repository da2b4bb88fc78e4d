package dev.sigwatch.alert.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON answer: status and body. */
public record ApiResponse(int status, JsonNode json) {
  public static ApiResponse ok(JsonNode json) {
    return new ApiResponse(200, json);
  }

  public static ApiResponse created(JsonNode json) {
    return new ApiResponse(201, json);
  }

  public static ApiResponse accepted(JsonNode json) {
    return new ApiResponse(202, json);
  }
}
