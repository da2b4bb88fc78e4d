package dev.sigwatch.alert.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigwatch.alert.store.Events;
import dev.sigwatch.alert.store.ReplayRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The forensic endpoints — search and replays — over a real SQLite store: what they answer, what they refuse (a 400
 * naming the parameter) and who may start a replay.
 */
class SearchReplayApiIT extends ApiItSupport {
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
    // A time range is newest first by entry time, across pages.
    List<JsonNode> day = all("/api/v1/search?since=" + from.minusSeconds(86_400) + "&until=" + from.plusSeconds(86_400),
        "results");
    assertThat(day).hasSizeGreaterThan(25).extracting(r -> Instant.parse(r.get("entryTime").asText()))
        .isSortedAccordingTo(Comparator.reverseOrder());
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
}
