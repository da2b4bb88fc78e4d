package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the API over a real SQLite store and a real watchlist topic: what it answers, what it refuses
 * (bad, hostile and huge input get a 400 naming the parameter) and who may call it.
 */
class AlertApiIT extends ApiItSupport {
  // ---- alerts ----

  @Test
  void alertsArePagedNewestFirstByCursorWithoutRepeats() throws Exception {
    List<JsonNode> alerts = all("/api/v1/alerts", "alerts");
    assertThat(alerts).hasSize(63);
    Set<String> seen = new HashSet<>();
    Instant prev = Instant.MAX;
    for (JsonNode a : alerts) {
      assertThat(seen.add(a.get("alertId").asText())).isTrue();
      Instant at = Instant.parse(a.get("createdAt").asText());
      assertThat(at).isBeforeOrEqualTo(prev);
      prev = at;
    }
    assertThat(alerts.get(0).get("alertId").asText()).isEqualTo(f.ids.get("lookalike"));
  }

  @Test
  void alertFiltersCombine() throws Exception {
    assertThat(all("/api/v1/alerts?type=SPLIT_VIEW", "alerts")).extracting(a -> a.get("alertId").asText())
        .containsExactly(f.ids.get("split"));
    assertThat(all("/api/v1/alerts?severity=CRITICAL,MEDIUM&logId=" + enc(ApiFixture.REKOR), "alerts"))
        .extracting(a -> a.get("type").asText()).containsExactlyInAnyOrder("SPLIT_VIEW", "LOOKALIKE");
    assertThat(all("/api/v1/alerts?state=RESOLVED&logId=" + enc(ApiFixture.CT), "alerts"))
        .extracting(a -> a.get("alertId").asText()).containsExactly(f.ids.get("stale"));
    List<JsonNode> ops = all("/api/v1/alerts?identity=OPS%40ACME", "alerts");
    assertThat(ops).hasSize(15).allSatisfy(a -> assertThat(a.get("identity").asText()).isEqualTo(ApiFixture.OPS));
    assertThat(all("/api/v1/alerts?minSeverity=HIGH", "alerts")).hasSize(61);
    String since = f.now.minusSeconds(10 * 60).toString();
    assertThat(all("/api/v1/alerts?type=IDENTITY_MATCH&since=" + since, "alerts"))
        .allSatisfy(a -> assertThat(Instant.parse(a.get("createdAt").asText())).isAfterOrEqualTo(Instant.parse(since)))
        .hasSize(5);
    assertThat(all("/api/v1/alerts?until=" + f.now.minusSeconds(7200).toEpochMilli(), "alerts")).isEmpty();
  }

  @Test
  void anAlertComesWithAllItsEvidenceHistoryAndLinks() throws Exception {
    JsonNode split = http.get("/api/v1/alerts/" + f.ids.get("split"), reader).json();
    assertThat(split.get("alert").get("evidence").get("previousCheckpoint").asText()).isEqualTo(ApiFixture.CHECKPOINT);
    assertThat(split.get("alert").get("evidence").has("root2")).isTrue();
    assertThat(split.get("events")).hasSize(1);
    assertThat(split.get("events").get(0).get("type").asText()).isEqualTo("INCIDENT_CONTINUES");
    assertThat(split.get("events").get(0).get("detail").get("observations").asText()).isEqualTo("2");
    assertThat(split.get("alert").get("observations").asLong()).isEqualTo(2);

    JsonNode id = http.get("/api/v1/alerts/" + f.ids.get("identity"), reader).json();
    assertThat(id.get("alert").get("certificate").get("chain").asText()).startsWith("fulcio ");
    assertThat(id.get("alert").get("certificate").has("notBefore")).isTrue();
    String uuid = id.get("alert").get("uuid").asText();
    List<String> links = new ArrayList<>();
    id.get("links").forEach(l -> links.add(l.get("href").asText()));
    if (id.get("alert").get("logId").asText().equals(ApiFixture.REKOR)) {
      assertThat(links).contains("https://rekor.sigstore.dev/api/v1/log/entries/" + uuid);
    } else {
      assertThat(links.get(0)).startsWith("https://" + ApiFixture.REKOR_V2 + "/api/v2/tile/entries/");
    }

    Http.Resp missing = http.get("/api/v1/alerts/no-such-alert", reader);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error()).isEqualTo("no alert no-such-alert");
    assertBad(http.get("/api/v1/alerts/bad%20id%3B", reader), "alertId");
  }

  @Test
  void acknowledgeAndResolveRecordWhoAndWhy() throws Exception {
    String path = "/api/v1/alerts/" + f.ids.get("lookalike");
    Http.Resp ack = http.post(path + "/acknowledge", admin, "{\"reason\":\"looking into the lookalike CA\"}");
    assertThat(ack.status()).as(ack.raw().body()).isEqualTo(200);
    assertThat(ack.json().get("state").asText()).isEqualTo("ACKNOWLEDGED");
    JsonNode h = ack.json().get("history").get(0);
    assertThat(h.get("action").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(h.get("by").asText()).isEqualTo("alice");
    assertThat(h.get("reason").asText()).isEqualTo("looking into the lookalike CA");

    Http.Resp res = http.post(path + "/resolve", admin, "{\"reason\":\"our test CA\",\"by\":\"Bob\"}");
    assertThat(res.json().get("state").asText()).isEqualTo("RESOLVED");
    assertThat(res.json().get("history").get(1).get("by").asText()).isEqualTo("Bob (token alice)");
    assertThat(http.get(path, reader).json().get("state").asText()).isEqualTo("RESOLVED");
  }

  @Test
  void actionsNeedAnAdminTokenAReasonAndAnAlert() throws Exception {
    String path = "/api/v1/alerts/" + f.ids.get("split");
    Http.Resp ro = http.post(path + "/acknowledge", reader, "{\"reason\":\"x\"}");
    assertThat(ro.status()).isEqualTo(403);
    assertThat(ro.error()).isEqualTo("token 'dashboard' has scope read; this call needs admin");
    assertThat(http.post(path + "/resolve", null, "{\"reason\":\"x\"}").status()).isEqualTo(401);
    assertBad(http.post(path + "/acknowledge", admin, "{}"), "reason");
    assertBad(http.post(path + "/acknowledge", admin, "{\"reason\":42}"), "reason");
    assertBad(http.post(path + "/acknowledge", admin, "{\"reason\":\"" + "x".repeat(2001) + "\"}"), "reason");
    assertBad(http.post(path + "/acknowledge", admin, "{\"reason\":"), "body");
    assertThat(http.post("/api/v1/alerts/nope/acknowledge", admin, "{\"reason\":\"x\"}").status()).isEqualTo(404);
    assertThat(http.get(path, reader).json().get("state").asText()).isEqualTo("OPEN");
  }

  // ---- logs ----

  @Test
  void logsReportSizeVerifiedHeadAuditAndLag() throws Exception {
    JsonNode logs = http.get("/api/v1/logs", reader).json().get("logs");
    assertThat(logs).hasSize(3);
    JsonNode rekor = http.get("/api/v1/logs/" + enc(ApiFixture.REKOR).replace("+", "%20"), reader).json();
    assertThat(rekor.get("size").asLong()).isEqualTo(2_953_833_797L);
    assertThat(rekor.get("verifiedSize").asLong()).isEqualTo(2_953_833_797L);
    assertThat(rekor.get("auditedTo").asLong()).isEqualTo(2_953_833_797L);
    assertThat(rekor.get("lag").asLong()).isZero();
    assertThat(rekor.get("openIncidents").asInt()).isEqualTo(1);
    JsonNode ct = http.get("/api/v1/logs/" + enc(ApiFixture.CT), reader).json();
    assertThat(ct.get("lag").asLong()).isEqualTo(900);
    assertThat(ct.get("openIncidents").asInt()).isZero();
    assertThat(http.get("/api/v1/logs/" + enc("no such log"), reader).status()).isEqualTo(404);
  }

  @Test
  void logHistoryIsASeriesForCharts() throws Exception {
    JsonNode h = http.get("/api/v1/logs/" + enc(ApiFixture.CT) + "/history?points=10", reader).json();
    JsonNode pts = h.get("points");
    assertThat(pts.size()).isEqualTo(10);
    for (int i = 1; i < pts.size(); i++) {
      assertThat(pts.get(i).get("size").asLong()).isGreaterThanOrEqualTo(pts.get(i - 1).get("size").asLong());
      assertThat(Instant.parse(pts.get(i).get("at").asText())).isAfterOrEqualTo(Instant.parse(pts.get(i - 1).get("at").asText()));
    }
    assertThat(pts.get(pts.size() - 1).get("size").asLong()).isEqualTo(41_000_000L);
    assertThat(pts.get(pts.size() - 1).get("lag").asLong()).isEqualTo(900);
    assertBad(http.get("/api/v1/logs/" + enc(ApiFixture.CT) + "/history?points=1", reader), "points");
    assertBad(http.get("/api/v1/logs/" + enc(ApiFixture.CT) + "/history?since=soon", reader), "since");
  }

  // ---- watchlist ----

  @Test
  void watchlistRulesAreAddedListedAndRemovedThroughTheTopic() throws Exception {
    String rule = "{\"type\":\"CERT_IDENTITY\",\"certSubject\":\"^security@acme\\\\.com$\","
        + "\"issuers\":[\"https://accounts\\\\.google\\\\.com\"],\"description\":\"security team\"}";
    Http.Resp added = http.post("/api/v1/watchlist", admin, rule);
    assertThat(added.status()).as(added.raw().body()).isEqualTo(201);
    String id = added.json().get("ruleId").asText();
    assertThat(id).matches("r-[0-9a-f]{16}");
    assertThat(http.post("/api/v1/watchlist", admin, rule).json().get("ruleId").asText()).isEqualTo(id);
    JsonNode rules = http.get("/api/v1/watchlist", reader).json().get("rules");
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).get("certSubject").asText()).isEqualTo("^security@acme\\.com$");
    assertThat(rules.get(0).get("description").asText()).isEqualTo("security team");
    assertThat(f.watchlist.current()).containsKey(id);

    assertThat(http.delete("/api/v1/watchlist/" + id, reader).status()).isEqualTo(403);
    assertThat(http.delete("/api/v1/watchlist/" + id, admin).json().get("removed").asText()).isEqualTo(id);
    assertThat(http.get("/api/v1/watchlist", reader).json().get("rules")).isEmpty();
    assertThat(http.delete("/api/v1/watchlist/" + id, admin).status()).isEqualTo(404);
  }

  @Test
  void badRulesAre400NamingTheField() throws Exception {
    assertBad(http.post("/api/v1/watchlist", admin, "{\"type\":\"CERT_IDENTITY\",\"certSubject\":\"(oops\"}"),
        "certSubject");
    assertBad(http.post("/api/v1/watchlist", admin, "{\"type\":\"EVERYTHING\"}"), "type");
    assertBad(http.post("/api/v1/watchlist", admin, "{\"type\":\"SUBJECT\",\"value\":[1]}"), "value");
    assertBad(http.post("/api/v1/watchlist", admin, "{\"type\":\"OID_EXTENSION\",\"oid\":\"1.2.3\",\"values\":\"x\"}"),
        "values");
    assertThat(http.post("/api/v1/watchlist", reader, "{\"type\":\"SUBJECT\",\"value\":\"x\"}").status())
        .isEqualTo(403);
    assertThat(http.post("/api/v1/watchlist", admin, "{\"type\":\"SUBJECT\",\"value\":\""
        + "x".repeat(ApiFixture.MAX_BODY + 1000) + "\"}").status()).isEqualTo(413);
  }

  // ---- authorizations ----

  @Test
  void authorizationsAreAddedListedAndRemovedThroughTheTopic() throws Exception {
    String tbs = "ab".repeat(32);
    String run = "https://github.com/acme/app/actions/runs/123/attempts/1";
    Http.Resp added = http.post("/api/v1/authorizations", admin,
        "{\"kind\":\"tbs\",\"value\":\"" + tbs.toUpperCase(java.util.Locale.ROOT) + "\",\"description\":\"release v1.2\"}");
    assertThat(added.status()).as(added.raw().body()).isEqualTo(201);
    assertThat(added.json().get("authorizationId").asText()).isEqualTo("TBS:" + tbs);
    assertThat(added.json().get("value").asText()).isEqualTo(tbs);
    // The same authorization again keeps one; a workflow run's id holds '/' and is removed URL-encoded.
    assertThat(http.post("/api/v1/authorizations", admin, "{\"kind\":\"TBS\",\"value\":\"" + tbs + "\"}").status())
        .isEqualTo(201);
    assertThat(http.post("/api/v1/authorizations", admin, "{\"kind\":\"WORKFLOW_RUN\",\"value\":\"" + run + "\"}")
        .status()).isEqualTo(201);
    JsonNode listed = http.get("/api/v1/authorizations", reader).json().get("authorizations");
    assertThat(listed).extracting(n -> n.get("authorizationId").asText())
        .containsExactlyInAnyOrder("TBS:" + tbs, "WORKFLOW_RUN:" + run);
    assertThat(f.authorizations.current()).containsKeys("TBS:" + tbs, "WORKFLOW_RUN:" + run);

    assertThat(http.delete("/api/v1/authorizations/" + enc("WORKFLOW_RUN:" + run), null).status()).isEqualTo(401);
    assertThat(http.delete("/api/v1/authorizations/" + enc("WORKFLOW_RUN:" + run), reader).status()).isEqualTo(403);
    assertThat(http.delete("/api/v1/authorizations/" + enc("WORKFLOW_RUN:" + run), admin).json().get("removed")
        .asText()).isEqualTo("WORKFLOW_RUN:" + run);
    assertThat(http.delete("/api/v1/authorizations/" + enc("TBS:" + tbs), admin).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/authorizations", reader).json().get("authorizations")).isEmpty();
    assertThat(http.delete("/api/v1/authorizations/" + enc("TBS:" + tbs), admin).status()).isEqualTo(404);
  }

  @Test
  void badAuthorizationsAre400NamingTheFieldAndNeedAnAdminToken() throws Exception {
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"EVERYTHING\",\"value\":\"x\"}"), "kind");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"value\":\"" + "ab".repeat(32) + "\"}"), "kind");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"TBS\"}"), "value");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"TBS\",\"value\":\"abc\"}"), "value");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"CERTIFICATE\",\"value\":[1]}"), "value");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"ARTIFACT_DIGEST\",\"value\":\"4f1c\"}"),
        "value");
    assertBad(http.post("/api/v1/authorizations", admin,
        "{\"kind\":\"WORKFLOW_RUN\",\"value\":\"http://github.com/acme/app/actions/runs/1\"}"), "value");
    assertBad(http.post("/api/v1/authorizations", admin, "{\"kind\":\"TBS\",\"value\":\"" + "ab".repeat(32)
        + "\",\"description\":{}}"), "description");
    String good = "{\"kind\":\"TBS\",\"value\":\"" + "cd".repeat(32) + "\"}";
    assertThat(http.post("/api/v1/authorizations", null, good).status()).isEqualTo(401);
    assertThat(http.post("/api/v1/authorizations", reader, good).status()).isEqualTo(403);
    assertThat(f.authorizations.current()).doesNotContainKey("TBS:" + "cd".repeat(32));
  }

  // ---- hostile and malformed input, everywhere ----

  @Test
  void sqlMetacharactersAreValuesNotSql() throws Exception {
    String inject = "' OR 1=1; DROP TABLE alerts; --";
    assertThat(http.get("/api/v1/alerts?identity=" + enc(inject), reader).json().get("alerts")).isEmpty();
    assertThat(http.get("/api/v1/alerts?logId=" + enc(inject), reader).json().get("alerts")).isEmpty();
    assertThat(http.get("/api/v1/search?identity=" + enc(inject), reader).json().get("results")).isEmpty();
    assertThat(http.get("/api/v1/search?match=prefix&identity=" + enc("%' OR '1'='1"), reader).json().get("results"))
        .isEmpty();
    assertBad(http.get("/api/v1/alerts?type=" + enc("FORK') OR ('1'='1"), reader), "type");
    assertBad(http.get("/api/v1/alerts?limit=" + enc("1; DELETE FROM alerts"), reader), "limit");
    assertBad(http.get("/api/v1/alerts?cursor=" + enc(inject), reader), "cursor");
    assertThat(http.get("/api/v1/alerts/" + enc("x' OR '1'='1"), reader).status()).isEqualTo(400);
    assertThat(all("/api/v1/alerts", "alerts")).hasSize(63);
  }

  @Test
  void hugeAndMalformedParametersAre400NamingThem() throws Exception {
    assertBad(http.get("/api/v1/alerts?identity=" + "a".repeat(2000), reader), "identity");
    assertThat(http.get("/api/v1/alerts?identity=" + "a".repeat(9000), reader).status()).isEqualTo(414);
    assertBad(http.get("/api/v1/alerts?limit=100000", reader), "limit");
    assertBad(http.get("/api/v1/alerts?limit=-5", reader), "limit");
    assertBad(http.get("/api/v1/alerts?limit=99999999999999999999999", reader), "limit");
    assertBad(http.get("/api/v1/alerts?severity=SEVERE", reader), "severity");
    assertBad(http.get("/api/v1/alerts?state=CLOSED", reader), "state");
    // A request line that is not a URI at all is refused by the HTTP layer itself, before any handler.
    assertThat(http.rawGet("/api/v1/alerts?identity=%E0%A4%A", reader).status()).isEqualTo(400);
    assertBad(http.get("/api/v1/alerts?serverity=HIGH", reader), "serverity");
    assertBad(http.get("/api/v1/alerts?limit=1&limit=2", reader), "limit");
    assertBad(http.get("/api/v1/logs?verbose=1", reader), "verbose");
  }

  @Test
  void everyEndpointButTheDocumentNeedsAToken() throws Exception {
    for (Route r : f.server.routes()) {
      String path = r.template().replace("{alertId}", f.ids.get("split")).replace("{logId}", enc(ApiFixture.CT))
          .replace("{ruleId}", "r-0000000000000000")
          .replace("{authorizationId}", enc("TBS:" + "0".repeat(64))).replace("{name}", "q4-review");
      Http.Resp resp = switch (r.method()) {
        case "GET" -> http.get(path, null);
        case "POST" -> http.post(path, null, "{}");
        default -> http.delete(path, null);
      };
      assertThat(resp.status()).as(r.method() + " " + path).isEqualTo(r.scope() == null ? 200 : 401);
      if (r.scope() == Scope.ADMIN) {
        Http.Resp ro = r.method().equals("POST") ? http.post(path, reader, "{}") : http.delete(path, reader);
        assertThat(ro.status()).as("read token on " + r.method() + " " + path).isEqualTo(403);
      }
    }
  }
}
