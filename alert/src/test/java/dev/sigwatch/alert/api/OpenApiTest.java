package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the routes the server has, with the scopes they need. */
class OpenApiTest {
  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
    Set<String> routes = new TreeSet<>();
    for (Route r : AlertApi.routes(null, null, null, null, Clock.systemUTC())) {
      routes.add(r.method() + " " + r.template());
    }
    JsonNode doc = new MetaRoutes().openApi();
    Set<String> documented = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    assertThat(documented).isEqualTo(routes);
  }

  @Test
  void adminRoutesAreDocumentedAsAdminAndPublicOnesAsPublic() {
    JsonNode paths = new MetaRoutes().openApi().get("paths");
    for (Route r : AlertApi.routes(null, null, null, null, Clock.systemUTC())) {
      JsonNode op = paths.get(r.template()).get(r.method().toLowerCase(Locale.ROOT));
      String security = op.get("security").toString();
      if (r.scope() == null) {
        assertThat(security).as(r.template()).isEqualTo("[]");
      } else if (r.scope() == Scope.ADMIN) {
        assertThat(security).as(r.method() + " " + r.template()).contains("admin");
        assertThat(op.get("responses").has("403")).as(r.template()).isTrue();
      } else {
        assertThat(security).as(r.template()).doesNotContain("admin");
      }
    }
  }
}
