package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.alert.store.Events;
import dev.sigwatch.alert.store.ReplayRun;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every endpoint of the API over a real SQLite store and a real watchlist topic: what it answers, what it refuses
 * (bad, hostile and huge input get a 400 naming the parameter) and who may call it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AlertApiIT {
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

  // ---- search ----

  @Test
  void searchByIdentityExactPrefixAndRegex() throws Exception {
    assertThat(all("/api/v1/search?identity=" + enc(ApiFixture.OPS), "results")).hasSize(10)
        .allSatisfy(r -> assertThat(r.get("sans").get(0).get("value").asText()).isEqualTo(ApiFixture.OPS));
    assertThat(all("/api/v1/search?match=prefix&identity=" + enc("https://github.com/acme/"), "results")).hasSize(10)
        .allSatisfy(r -> assertThat(r.get("sans").get(0).get("value").asText()).isEqualTo(ApiFixture.RELEASE));
    assertThat(all("/api/v1/search?match=regex&identity=" + enc("^(ops|dev)@acme\\.com$"), "results")).hasSize(20);
    assertThat(all("/api/v1/search?issuer=" + enc(Events.GITHUB), "results")).hasSize(20);
  }

  @Test
  void searchByFingerprintsDigestUuidAndLogIndex() throws Exception {
    JsonNode one = all("/api/v1/search?logId=" + enc(ApiFixture.REKOR) + "&logIndex=1633569004", "results").get(0);
    assertThat(one.get("logIndex").asLong()).isEqualTo(1_633_569_004L);
    for (String q : List.of("certSha256=" + one.get("certSha256").asText(),
        "keySha256=" + one.get("keySha256s").get(0).asText(),
        "artifactDigest=" + enc(one.get("artifactDigest").asText()),
        "uuid=" + one.get("uuid").asText().toUpperCase(java.util.Locale.ROOT))) {
      List<JsonNode> hits = all("/api/v1/search?" + q, "results");
      assertThat(hits).as(q).hasSize(1);
      assertThat(hits.get(0).get("logIndex").asLong()).isEqualTo(1_633_569_004L);
    }
    Instant from = Instant.parse(one.get("entryTime").asText());
    List<JsonNode> window = all("/api/v1/search?since=" + from + "&until=" + from.plusSeconds(120), "results");
    assertThat(window).extracting(r -> r.get("logIndex").asLong()).containsExactlyInAnyOrder(1_633_569_004L,
        1_633_569_005L);
  }

  @Test
  void searchRefusesWhatItCannotAnswerNamingTheParameter() throws Exception {
    assertThat(http.get("/api/v1/search", reader).status()).isEqualTo(400);
    assertBad(http.get("/api/v1/search?match=regex&identity=" + enc("(unclosed"), reader), "identity");
    assertBad(http.get("/api/v1/search?match=fuzzy&identity=x", reader), "match");
    assertBad(http.get("/api/v1/search?logIndex=5", reader), "logIndex");
    assertBad(http.get("/api/v1/search?logId=x&logIndex=-1", reader), "logIndex");
    assertBad(http.get("/api/v1/search?certSha256=abc", reader), "certSha256");
    assertBad(http.get("/api/v1/search?artifactDigest=" + enc("sha256:zz"), reader), "artifactDigest");
    assertBad(http.get("/api/v1/search?uuid=1234", reader), "uuid");
    assertBad(http.get("/api/v1/search?since=2026-13-45", reader), "since");
    assertBad(http.get("/api/v1/search?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", reader), "until");
    assertBad(http.get("/api/v1/search?identity=x&cursor=not-a-cursor", reader), "cursor");
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

  // ---- replays ----

  @Test
  void replaysShowProgressAndResultsKeptApartFromLiveAlerts() throws Exception {
    assertThat(http.get("/api/v1/replays/nothing-yet", reader).status()).isEqualTo(404);
    Instant t = Instant.now();
    f.store.createReplay(new ReplayRun("q4-review", "monitoredValues: {}", "store", "0", null, null,
        ReplayRun.State.RUNNING, 0, 1000, 0, t, t, null, null));
    f.store.replayProgress("q4-review", 400, 1000, 1);
    f.store.addReplayResults("q4-review", List.of(Events.alert("replay-hit-1", "IDENTITY_MATCH",
        dev.sigwatch.schemas.Severity.HIGH, ApiFixture.REKOR, 7L, "old@acme.com", 1000)));
    JsonNode run = http.get("/api/v1/replays/q4-review", reader).json();
    assertThat(run.get("state").asText()).isEqualTo("RUNNING");
    assertThat(run.get("processed").asLong()).isEqualTo(400);
    assertThat(run.get("percent").asDouble()).isEqualTo(40.0);
    assertThat(http.get("/api/v1/replays", reader).json().get("replays")).hasSize(1);
    JsonNode results = http.get("/api/v1/replays/q4-review/results", reader).json();
    assertThat(results.get("alerts")).extracting(a -> a.get("alertId").asText()).containsExactly("replay-hit-1");
    assertThat(http.get("/api/v1/alerts/replay-hit-1", reader).status()).isEqualTo(404);
    assertBad(http.get("/api/v1/replays/q4-review/results?limit=0", reader), "limit");
    assertBad(http.get("/api/v1/replays/bad%20name", reader), "name");
    assertThat(http.post("/api/v1/replays", reader, "{}").status()).isEqualTo(403);
  }

  @Test
  void startsAReplayThatRunsOverTheStoreAndPagesItsMatches() throws Exception {
    String watchlist = "monitoredValues:\n  certIdentities:\n    - certSubject: ^ops@acme\\.com$\n";
    String body = "{\"name\":\"ops-review\",\"watchlist\":" + ApiServer.JSON.writeValueAsString(watchlist)
        + ",\"logId\":" + ApiServer.JSON.writeValueAsString(ApiFixture.REKOR) + "}";
    assertThat(http.post("/api/v1/replays", reader, body).status()).as("read-only token").isEqualTo(403);
    assertThat(http.post("/api/v1/replays", null, body).status()).as("no token").isEqualTo(401);
    assertThat(f.store.replay("ops-review")).as("nothing started by a refused call").isEmpty();

    Http.Resp start = http.post("/api/v1/replays", admin, body);
    assertThat(start.status()).as(String.valueOf(start.json())).isEqualTo(202);
    assertThat(start.json().get("state").asText()).isEqualTo("RUNNING");
    assertThat(start.json().get("output").asText()).isEqualTo("store");
    Awaitility.await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
        assertThat(http.get("/api/v1/replays/ops-review", reader).json().get("state").asText()).isEqualTo("DONE"));

    // What the replay must find, asked of the search (SQL over the stored terms), not of the watchlist matcher.
    Set<String> want = new HashSet<>();
    for (JsonNode i : http.get("/api/v1/search?identity=" + enc(ApiFixture.OPS) + "&match=exact&logId="
        + enc(ApiFixture.REKOR) + "&limit=1000", reader).json().get("results")) {
      want.add(i.get("logIndex").asText());
    }
    assertThat(want).isNotEmpty();
    Set<String> got = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = http.get("/api/v1/replays/ops-review/results?limit=2"
          + (cursor == null ? "" : "&cursor=" + enc(cursor)), reader).json();
      for (JsonNode a : page.get("alerts")) {
        assertThat(a.get("type").asText()).isEqualTo("REPLAY_MATCH");
        assertThat(got.add(a.get("logIndex").asText())).as("no result on two pages").isTrue();
      }
      cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
      pages++;
    } while (cursor != null);
    assertThat(got).isEqualTo(want);
    assertThat(pages).isGreaterThan(1);
    JsonNode run = http.get("/api/v1/replays/ops-review", reader).json();
    assertThat(run.get("matches").asLong()).isEqualTo(want.size());
    assertThat(run.get("processed").asLong()).isEqualTo(run.get("total").asLong());
    assertThat(http.get("/api/v1/alerts?type=REPLAY_MATCH", reader).json().get("alerts")).as("not live").isEmpty();

    // Bad input: each a 400 naming the field, or a 409 for a name in use; nothing registered.
    assertThat(http.post("/api/v1/replays", admin, body).status()).isEqualTo(409);
    assertBad(http.post("/api/v1/replays", admin, "{\"name\":\"r2\",\"watchlist\":\"monitoredValues:\\n  "
        + "certIdentities:\\n    - certSubject: (?=x)\\n\"}"), "watchlist");
    assertBad(http.post("/api/v1/replays", admin, "{\"name\":\"r2\",\"watchlist\":\"monitoredValues: {}\"}"),
        "watchlist");
    assertBad(http.post("/api/v1/replays", admin, "{\"name\":\"r2\",\"watchlist\":"
        + ApiServer.JSON.writeValueAsString(watchlist) + ",\"from\":\"'; DROP TABLE replay_run; --\"}"), "from");
    assertBad(http.post("/api/v1/replays", admin, "{\"name\":\"r2\",\"watchlist\":"
        + ApiServer.JSON.writeValueAsString(watchlist) + ",\"from\":\"20\",\"to\":\"10\"}"), "to");
    assertBad(http.post("/api/v1/replays", admin, "{\"name\":\"../r2\",\"watchlist\":\"x: 1\"}"), "name");
    assertThat(f.store.replay("r2")).isEmpty();
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
