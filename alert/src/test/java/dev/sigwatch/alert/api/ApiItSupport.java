package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API ITs' server over a real SQLite store and a real watchlist topic ({@link ApiFixture}), one per test class,
 * and what they ask it with. Test classes run one after the other (no parallel execution), so the static fixture is
 * one class's at a time.
 */
@ExtendWith(KafkaBrokerExtension.class)
abstract class ApiItSupport {
  static ApiFixture f;
  static Http http;
  static String admin;
  static String reader;

  @BeforeAll
  static void start(KafkaTestBroker broker) throws Exception {
    f = new ApiFixture(Files.createTempDirectory("alert-api-it"), broker);
    http = new Http(f.baseUrl());
    admin = f.adminToken;
    reader = f.readToken;
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<JsonNode> all(String path, String itemsName) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      Http.Resp r = http.get(path + (path.contains("?") ? "&" : "?") + "limit=25"
          + (cursor == null ? "" : "&cursor=" + enc(cursor)), reader);
      assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
      r.json().get(itemsName).forEach(out::add);
      cursor = r.json().get("nextCursor").isNull() ? null : r.json().get("nextCursor").asText();
    } while (cursor != null);
    return out;
  }

  static void assertBad(Http.Resp r, String parameter) {
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(400);
    assertThat(r.parameter()).as(String.valueOf(r.json())).isEqualTo(parameter);
  }
}
