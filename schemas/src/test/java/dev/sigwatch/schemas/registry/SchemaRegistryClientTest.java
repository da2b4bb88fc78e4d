package dev.sigwatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.SampleRecords;
import dev.sigwatch.schemas.serde.AvroSerde;
import dev.sigwatch.schemas.serde.AvroSerdes;
import dev.sigwatch.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a real local HTTP server playing a registry: request shapes, caching, and every failure
 * (error bodies, non-JSON, timeouts, refused connections). The real Apicurio registry is exercised by RegistryIT.
 */
class SchemaRegistryClientTest {

  private record Request(String method, String path, String contentType, String body) {}

  private interface Handler {
    void handle(HttpExchange ex) throws IOException, InterruptedException;
  }

  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Handler handler;
  private final CountDownLatch release = new CountDownLatch(1);
  private URI base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          ex.getRequestHeaders().getFirst("Content-Type"), body));
      try {
        handler.handle(ex);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ex.close();
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7");
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
  }

  private SchemaRegistryClient client() {
    return new SchemaRegistryClient(base, Duration.ofSeconds(5));
  }

  @Test
  void registersWithTheConfluentRequestShapeAndCachesTheId() throws Exception {
    handler = ex -> reply(ex, 200, "{\"id\":17}");
    SchemaRegistryClient client = client();
    Schema schema = Checkpoint.getClassSchema();
    assertThat(client.register("sigwatch.checkpoints-value", schema)).isEqualTo(17);
    assertThat(client.register("sigwatch.checkpoints-value", schema)).isEqualTo(17);
    assertThat(client.schemaById(17)).isEqualTo(schema); // learnt from the registration, no GET
    assertThat(requests).hasSize(1);
    Request r = requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/apis/ccompat/v7/subjects/sigwatch.checkpoints-value/versions");
    assertThat(r.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("schemaType").asText()).isEqualTo("AVRO");
    assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(schema);
  }

  @Test
  void fetchesByIdOnceAndParses() throws Exception {
    String schemaJson = new ObjectMapper().writeValueAsString(java.util.Map.of("schema", Checkpoint.getClassSchema().toString()));
    handler = ex -> reply(ex, 200, schemaJson);
    SchemaRegistryClient client = client();
    assertThat(client.schemaById(5)).isEqualTo(Checkpoint.getClassSchema());
    assertThat(client.schemaById(5)).isEqualTo(Checkpoint.getClassSchema());
    assertThat(requests).extracting(Request::method, Request::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple("GET", "/apis/ccompat/v7/schemas/ids/5"));
  }

  @Test
  void reportsTheRegistryErrorBody() {
    handler = ex -> reply(ex, 404, "{\"message\":\"Schema 7 not found.\",\"error_code\":40403}");
    assertThatThrownBy(() -> client().schemaById(7))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage("fetching schema id 7 at " + base + "/schemas/ids/7: HTTP 404 (error_code 40403): Schema 7 not found.")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(404));
  }

  @Test
  void reportsANonJsonErrorBody() {
    handler = ex -> reply(ex, 502, "<html>Bad Gateway</html>");
    assertThatThrownBy(() -> client().register("s", Checkpoint.getClassSchema()))
        .hasMessage("registering dev.sigwatch.schemas.Checkpoint under subject s at " + base
            + "/subjects/s/versions: HTTP 502: <html>Bad Gateway</html>");
  }

  @Test
  void reportsAnAnswerThatIsNotASchema() {
    handler = ex -> reply(ex, 200, "not json");
    assertThatThrownBy(() -> client().schemaById(1)).hasMessage("fetching schema id 1 at " + base + "/schemas/ids/1: answer is not JSON: not json");
    handler = ex -> reply(ex, 200, "{\"schema\":\"{nope\"}");
    assertThatThrownBy(() -> client().schemaById(2)).hasMessageStartingWith("fetching schema id 2 from " + base
        + "/schemas/ids/2: not a valid Avro schema: ");
    handler = ex -> reply(ex, 200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
    assertThatThrownBy(() -> client().schemaById(3)).hasMessage("fetching schema id 3 from " + base
        + "/schemas/ids/3: schemaType is PROTOBUF, want AVRO");
    handler = ex -> reply(ex, 200, "{\"version\":1}");
    assertThatThrownBy(() -> client().register("s", Checkpoint.getClassSchema())).hasMessage(
        "registering dev.sigwatch.schemas.Checkpoint under subject s at " + base + "/subjects/s/versions: answer has no integer \"id\": {\"version\":1}");
  }

  @Test
  void timesOutASilentRegistry() {
    handler = ex -> release.await(30, TimeUnit.SECONDS); // holds the answer until the test ends
    SchemaRegistryClient client = new SchemaRegistryClient(base, Duration.ofMillis(300));
    assertThatThrownBy(() -> client.schemaById(1))
        .hasMessage("fetching schema id 1 at " + base + "/schemas/ids/1: no answer within 300 ms");
  }

  @Test
  void reportsARefusedConnection() {
    server.stop(0);
    assertThatThrownBy(() -> client().schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("fetching schema id 1 at " + base + "/schemas/ids/1: ConnectException");
  }

  @Test
  void serdeWritesTheConfluentFramingAndReadsItBack() throws Exception {
    // The server answers id 0x01020304 for the registration and the schema for a GET of that id.
    String schemaJson = new ObjectMapper().writeValueAsString(java.util.Map.of("schema", Checkpoint.getClassSchema().toString()));
    handler = ex -> reply(ex, 200, ex.getRequestMethod().equals("POST") ? "{\"id\":16909060}" : schemaJson);
    Checkpoint c = (Checkpoint) SampleRecords.full().get(0);
    AvroSerde<Checkpoint> registrySerde = AvroSerdes.create(SerdeConfig.registry(base)).valueSerde(Checkpoint.class);
    AvroSerde<Checkpoint> embeddedSerde = AvroSerdes.create(SerdeConfig.embedded()).valueSerde(Checkpoint.class);
    byte[] confluent = registrySerde.serializer().serialize("topic-a", c);
    byte[] singleObject = embeddedSerde.serializer().serialize("topic-a", c);

    assertThat(Arrays.copyOf(confluent, 5)).containsExactly(0, 1, 2, 3, 4);
    assertThat(Arrays.copyOfRange(confluent, 5, confluent.length)) // same Avro binary body as single-object
        .isEqualTo(Arrays.copyOfRange(singleObject, 10, singleObject.length));
    assertThat(requests.get(0).path()).isEqualTo("/apis/ccompat/v7/subjects/topic-a-value/versions");

    // A fresh serde (empty caches) must fetch the schema by id; it reads both framings.
    AvroSerde<Checkpoint> reader = AvroSerdes.create(SerdeConfig.registry(base)).valueSerde(Checkpoint.class);
    assertThat(reader.deserializer().deserialize("topic-a", confluent)).isEqualTo(c);
    assertThat(reader.deserializer().deserialize("topic-a", singleObject)).isEqualTo(c);
    assertThat(requests).extracting(Request::path).contains("/apis/ccompat/v7/schemas/ids/16909060");
  }

  @Test
  void serdeWrapsRegistryFailuresInSerializationException() {
    handler = ex -> reply(ex, 409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
    AvroSerde<Checkpoint> serde = AvroSerdes.create(SerdeConfig.registry(base)).valueSerde(Checkpoint.class);
    assertThatThrownBy(() -> serde.serializer().serialize("t", (Checkpoint) SampleRecords.full().get(0)))
        .isInstanceOf(SerializationException.class)
        .hasMessage("registering dev.sigwatch.schemas.Checkpoint under subject t-value at " + base
            + "/subjects/t-value/versions: HTTP 409 (error_code 409): Schema being registered is incompatible");
    handler = ex -> reply(ex, 404, "{\"message\":\"Schema 9 not found.\",\"error_code\":40403}");
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 9, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessage("decoding dev.sigwatch.schemas.Checkpoint from topic t: fetching schema id 9 at " + base
            + "/schemas/ids/9: HTTP 404 (error_code 40403): Schema 9 not found.");
  }
}
