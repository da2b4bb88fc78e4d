package dev.sigwatch.match.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * The subset of JSON Schema draft-07 the Rekor v1 entry schemas use (type, properties, required, enum, oneOf,
 * additionalProperties, items, format byte), so generated test bodies are checked against the real schema files in
 * {@code ../shared/fixtures/rekor-v1/schemas}. A keyword it does not know fails the check rather than passing.
 */
final class SchemaCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KNOWN = List.of("$schema", "$id", "title", "description", "type", "properties",
      "required", "enum", "oneOf", "additionalProperties", "items", "format", "readOnly", "writeOnly");

  private SchemaCheck() {}

  static Path schema(String kind) {
    return Path.of(System.getProperty("sigwatch.fixtures"), "rekor-v1", "schemas", kind, "v0.0.1",
        kind + "_v0_0_1_schema.json");
  }

  /** Problems of {@code spec} against the kind's v0.0.1 schema; empty when it validates. */
  static List<String> problems(String kind, JsonNode spec) throws Exception {
    List<String> out = new ArrayList<>();
    check(JSON.readTree(schema(kind).toFile()), spec, "spec", out);
    return out;
  }

  private static void check(JsonNode schema, JsonNode v, String at, List<String> out) {
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KNOWN.contains(k)) {
        out.add(at + ": schema keyword '" + k + "' not supported by SchemaCheck");
      }
    }
    String type = schema.path("type").asText(null);
    if (type != null && !hasType(v, type)) {
      out.add(at + ": want " + type + ", got " + v.getNodeType());
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        out.add(at + ": " + v + " not in " + schema.get("enum"));
      }
    }
    if ("byte".equals(schema.path("format").asText()) && v.isTextual()) {
      try {
        Base64.getDecoder().decode(v.asText());
      } catch (IllegalArgumentException e) {
        out.add(at + ": not base64");
      }
    }
    for (JsonNode r : schema.path("required")) {
      if (!v.has(r.asText())) {
        out.add(at + ": missing required " + r.asText());
      }
    }
    if (v.isObject()) {
      JsonNode props = schema.path("properties");
      for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (props.has(f)) {
          check(props.get(f), v.get(f), at + "." + f, out);
        } else if (schema.path("additionalProperties").isObject()) {
          check(schema.get("additionalProperties"), v.get(f), at + "." + f, out);
        } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
          out.add(at + ": additional property " + f);
        }
      }
    }
    if (v.isArray() && schema.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        check(schema.get("items"), v.get(i), at + "[" + i + "]", out);
      }
    }
    if (schema.has("oneOf")) {
      int ok = 0;
      for (JsonNode alt : schema.get("oneOf")) {
        List<String> p = new ArrayList<>();
        check(alt, v, at, p);
        ok += p.isEmpty() ? 1 : 0;
      }
      if (ok != 1) {
        out.add(at + ": want exactly one of oneOf to hold, " + ok + " did");
      }
    }
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "string" -> v.isTextual();
      case "array" -> v.isArray();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> false;
    };
  }
}
