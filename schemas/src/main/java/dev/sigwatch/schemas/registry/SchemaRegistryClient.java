package dev.sigwatch.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal client of the Confluent Schema Registry REST API (served by Confluent, Apicurio's ccompat API,
 * Karapace, Redpanda): register a schema under a subject, fetch a schema by id. Both directions are cached for the
 * life of the client (ids are immutable in the registry), so steady-state serialization makes no calls.
 *
 * <p>Thread-safe. Each call has a timeout ({@code timeout}, also the connect timeout); failures are
 * {@link SchemaRegistryException}s saying what was attempted, where, and what came back.
 */
public final class SchemaRegistryClient {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /** A schema document is small; a bigger answer is a misconfigured URL (an HTML page, a proxy), not a schema. */
  static final int MAX_RESPONSE_BYTES = 4 << 20;

  private final URI baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /**
   * @param baseUrl the API root, e.g. {@code http://127.0.0.1:8080/apis/ccompat/v7} (no trailing slash needed)
   * @param timeout connect timeout and per-request timeout; must be positive
   */
  public SchemaRegistryClient(URI baseUrl, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
    }
    String s = baseUrl.toString();
    this.baseUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/<subject>/versions}) and returns its id.
   * Idempotent: registering the same schema again returns the same id (from the cache, or from the registry).
   */
  public int register(String subject, Schema schema) throws SchemaRegistryException {
    Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, k -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) return cached;
    String what = "registering " + schema.getFullName() + " under subject " + subject;
    String body;
    try {
      body = json.writeValueAsString(Map.of("schemaType", "AVRO", "schema", schema.toString()));
    } catch (IOException e) {
      throw new SchemaRegistryException(what + ": cannot encode request: " + e.getMessage(), e);
    }
    URI uri = baseUrl.resolve(baseUrl.getPath() + "/subjects/" + encode(subject) + "/versions");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    JsonNode answer = call(what, request);
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException(what + " at " + uri + ": answer has no integer \"id\": " + abbreviate(answer.toString()));
    }
    int schemaId = id.intValue();
    ids.put(schema, schemaId);
    schemasById.putIfAbsent(schemaId, schema);
    log.info("{}: registered {} under {} as id {}", baseUrl, schema.getFullName(), subject, schemaId);
    return schemaId;
  }

  /** The schema with this id ({@code GET /schemas/ids/<id>}). */
  public Schema schemaById(int id) throws SchemaRegistryException {
    Schema cached = schemasById.get(id);
    if (cached != null) return cached;
    String what = "fetching schema id " + id;
    URI uri = baseUrl.resolve(baseUrl.getPath() + "/schemas/ids/" + id);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", CONTENT_TYPE).GET().build();
    JsonNode answer = call(what, request);
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(what + " from " + uri + ": answer has no \"schema\" string: " + abbreviate(answer.toString()));
    }
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.asText().equals("AVRO")) {
      throw new SchemaRegistryException(what + " from " + uri + ": schemaType is " + type.asText() + ", want AVRO");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(what + " from " + uri + ": not a valid Avro schema: " + e.getMessage(), e);
    }
    Schema prior = schemasById.putIfAbsent(id, schema);
    log.debug("{}: fetched schema id {} ({})", baseUrl, id, schema.getFullName());
    return prior != null ? prior : schema;
  }

  private JsonNode call(String what, HttpRequest request) throws SchemaRegistryException {
    String where = " at " + request.uri();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new SchemaRegistryException(what + where + ": no answer within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new SchemaRegistryException(what + where + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(what + where + ": interrupted", e);
    }
    byte[] body = response.body();
    int status = response.statusCode();
    if (body.length > MAX_RESPONSE_BYTES) {
      throw new SchemaRegistryException(what + where + ": answer of " + body.length + " bytes exceeds "
          + MAX_RESPONSE_BYTES, status, null);
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (status / 100 != 2) {
      throw new SchemaRegistryException(what + where + ": HTTP " + status + errorDetail(text), status, null);
    }
    try {
      JsonNode node = json.readTree(text);
      if (node == null || !node.isObject()) {
        throw new SchemaRegistryException(what + where + ": answer is not a JSON object: " + abbreviate(text), status, null);
      }
      return node;
    } catch (IOException e) {
      throw new SchemaRegistryException(what + where + ": answer is not JSON: " + abbreviate(text), status, e);
    }
  }

  /** The registry's {@code {"error_code":…, "message":…}}, or the start of whatever body came back. */
  private String errorDetail(String body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.has("message")) {
        return String.format(Locale.ROOT, " (error_code %s): %s", node.path("error_code").asText("?"), node.get("message").asText());
      }
    } catch (IOException ignored) {
      // not JSON: show the raw body below
    }
    return body.isBlank() ? "" : ": " + abbreviate(body);
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
