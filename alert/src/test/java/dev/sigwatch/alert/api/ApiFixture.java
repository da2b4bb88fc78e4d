package dev.sigwatch.alert.api;

import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.alert.replay.ReplayService;
import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.store.AlertStores;
import dev.sigwatch.alert.store.Events;
import dev.sigwatch.alert.store.StoreBatch;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Severity;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.match.watchlist.WatchlistTopic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * A running API over a real SQLite store holding what the pipeline would have written about three logs over the last
 * two hours (checkpoints verified, audits, identity events, integrity and identity alerts, an incident that continued
 * and one that recovered), and a real watchlist topic of its own on the test broker. Two tokens: admin and read.
 */
public final class ApiFixture implements AutoCloseable {
  public static final String REKOR = Events.REKOR;
  public static final String CT = "ctfe.sigstore.dev/2022";
  public static final String REKOR_V2 = "log2025-1.rekor.sigstore.dev";
  public static final String OPS = "ops@acme.com";
  public static final String RELEASE = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0";
  /** An identity that tries to inject markup into the page: it must show as text. */
  public static final String HOSTILE = "<img src=x onerror=alert(1)>@evil.example";
  /** Real production checkpoint (fixtures/rekor-v1/checkpoints). */
  static final String CHECKPOINT = """
      rekor.sigstore.dev - 1193050959916656506
      2953833797
      Z2toLEaqCEwniZ8XEH6NBZn0z7la5/UusE9xi91x0qI=

      — rekor.sigstore.dev wNI9ajBEAiBXGFoPg3oLUdtnNPKQ4HBl5xrJHXDeLMpoz8f9a51guAIgboYa9zdB6nOBIBWNLTL6Mc44R3x7zgq4MXhedgdZ1v0=
      """;

  /**
   * Smaller than the default so an oversized body in a test is still one the JDK server drains after answering 413
   * (it drains up to 64 KiB); a client still sending a larger one may see the connection reset instead of the 413.
   */
  public static final int MAX_BODY = 16 * 1024;

  public final String adminToken = ApiToken.generate();
  public final String readToken = ApiToken.generate();
  public final AlertStore store;
  public final WatchlistTopic watchlist;
  public final CompactedTopic<dev.sigwatch.schemas.Authorization> authorizations;
  public final ApiServer server;
  /** Runs POST /api/v1/replays over this store, as {@code ApiStage} wires it. */
  public final ReplayService replays;
  public final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  /** Ids of the seeded alerts by what they are. */
  public final Map<String, String> ids = new LinkedHashMap<>();

  public ApiFixture(Path dir, KafkaTestBroker broker) throws Exception {
    store = AlertStores.open(AlertStores.sqliteUrl(dir.resolve("store.db")), null, null);
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix(KafkaTestBroker.uniqueName("api") + ".");
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, List.of(topics.watchlist(), topics.authorizations()));
    }
    watchlist = new WatchlistTopic(broker.producerConfig(), topics.watchlist());
    authorizations = new CompactedTopic<>(broker.producerConfig(), topics.authorizations());
    seed();
    server = AlertApi.start(new ApiSettings("127.0.0.1", 0, List.of(
        new ApiToken("alice", Scope.ADMIN, ApiToken.hash(adminToken)),
        new ApiToken("dashboard", Scope.READ, ApiToken.hash(readToken))),
        MAX_BODY, ApiSettings.DEFAULT_MAX_QUERY_CHARS, 10_000, 10_000, 4), store,
        watchlist, authorizations, replays = new ReplayService(store, java.time.Clock.systemUTC()));
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  private long ago(Duration d) {
    return now.minus(d).toEpochMilli();
  }

  private void seed() {
    List<LogEvent> events = new ArrayList<>();
    List<IdentityEvent> identities = new ArrayList<>();
    List<Alert> alerts = new ArrayList<>();
    // Two hours of a healthy log every 5 minutes: verified heads grow, audits follow a little behind.
    for (int i = 24; i >= 0; i--) {
      long at = ago(Duration.ofMinutes(5L * i));
      long size = 2_953_833_797L - i * 70_000L;
      events.add(Events.event("CHECKPOINT_VERIFIED", REKOR, size, root(size), at, Map.of("consistency", "proof")));
      events.add(Events.event("AUDITED", REKOR, size - (i % 3) * 20_000L, root(size - 1), at + 1000, Map.of()));
      long ct = 41_000_000L - i * 900L;
      events.add(Events.event("CHECKPOINT_VERIFIED", CT, ct, root(ct), at, Map.of("consistency", "proof")));
      events.add(Events.event("AUDITED", CT, ct - 900L, root(ct - 900), at + 1000, Map.of()));
      long v2 = 1_500_000L - i * 4_000L;
      events.add(Events.event("CHECKPOINT_VERIFIED", REKOR_V2, v2, root(v2), at, Map.of("consistency", "tiles")));
      events.add(Events.event("AUDITED", REKOR_V2, v2, root(v2), at + 1000, Map.of()));
    }
    // Who signed what: identity events in all three logs.
    long t = now.getEpochSecond();
    String[] sans = {OPS, RELEASE, "dev@acme.com", "https://github.com/other/repo/.github/workflows/ci.yml@refs/heads/main"};
    for (int i = 0; i < 40; i++) {
      String san = sans[i % sans.length];
      String issuer = san.startsWith("https://github.com") ? Events.GITHUB : "https://accounts.google.com";
      identities.add(Events.signed(i % 2 == 0 ? REKOR : REKOR_V2, 1_633_569_000L + i, san, issuer, t - 3600 + i * 60L));
    }
    // Identity matches, newest last; one per signing of OPS and RELEASE, plus filler so paging has pages.
    for (int i = 0; i < 60; i++) {
      IdentityEvent e = identities.get(i % identities.size());
      String san = e.getSans().get(0).getValue();
      alerts.add(identityAlert("IDENTITY_MATCH", Severity.HIGH, e, san, ago(Duration.ofMinutes(120 - i * 2L))));
    }
    ids.put("identity", alerts.get(alerts.size() - 1).getAlertId());
    IdentityEvent odd = Events.signed(REKOR, 1_633_570_001L, HOSTILE, "https://evil.example", t - 60);
    identities.add(odd);
    Alert hostile = identityAlert("LOOKALIKE", Severity.MEDIUM, odd, HOSTILE, ago(Duration.ofMinutes(1)));
    alerts.add(hostile);
    ids.put("lookalike", hostile.getAlertId());
    Alert split = Alert.newBuilder()
        .setAlertId("splitview-" + hex(8)).setType("SPLIT_VIEW").setSeverity(Severity.CRITICAL).setLogId(REKOR)
        .setLogIndex(null).setSummary(REKOR + ": two different trees of size 2953833797")
        .setCertificate(Map.of())
        .setEvidence(Map.of("root1", "676b682c46aa084c27899f17107e8d0599f4cfb95ae7f52eb04f718bdd71d2a2",
            "root2", "0a4d55a8d778e5022fab701977c5d840bbc486d0a4d55a8d778e5022fab70197",
            "checkpoint", CHECKPOINT.replace("Z2to", "Ck1V"), "previousCheckpoint", CHECKPOINT,
            "sourceUrl", "https://rekor.sigstore.dev/api/v1/log"))
        .setCreatedAtMillis(ago(Duration.ofMinutes(30))).build();
    alerts.add(split);
    ids.put("split", split.getAlertId());
    events.add(Events.event("INCIDENT_CONTINUES", REKOR, 2_953_833_797L, null, ago(Duration.ofMinutes(20)),
        Map.of("alertId", split.getAlertId(), "incidentType", "SPLIT_VIEW", "observations", "2",
            "reason", "the same second tree was served again")));
    Alert stale = Alert.newBuilder()
        .setAlertId("stale-" + hex(8)).setType("STALE_LOG").setSeverity(Severity.MEDIUM).setLogId(CT)
        .setSummary(CT + ": no new checkpoint for 1h").setCertificate(Map.of())
        .setEvidence(Map.of("checkpoint", "ctfe.sigstore.dev/2022 size 40978400", "staleAfter", "PT1H"))
        .setCreatedAtMillis(ago(Duration.ofMinutes(90))).build();
    alerts.add(stale);
    ids.put("stale", stale.getAlertId());
    events.add(Events.event("RECOVERED", CT, 40_990_000L, null, ago(Duration.ofMinutes(60)),
        Map.of("alertId", stale.getAlertId(), "reason", "grew again to 40990000")));
    store.write(new StoreBatch(alerts, events, identities, "api-fixture", Map.of()));
  }

  private static Alert identityAlert(String type, Severity severity, IdentityEvent e, String identity, long at) {
    Map<String, String> cert = new LinkedHashMap<>();
    cert.put("sans", identity);
    cert.put("oidcIssuer", e.getOidcIssuer());
    cert.put("issuer", e.getCertIssuerDn());
    cert.put("serial", e.getCertSerial());
    cert.put("notBefore", Instant.ofEpochMilli(e.getNotBeforeMillis()).toString());
    cert.put("notAfter", Instant.ofEpochMilli(e.getNotAfterMillis()).toString());
    cert.put("fingerprint", e.getCertFingerprint());
    cert.put("chain", type.equals("LOOKALIKE") ? "lookalike: no path to a Fulcio CA at notBefore"
        : "fulcio https://fulcio.sigstore.dev");
    String rule = "r-" + Events.sha256(identity).substring(0, 16);
    return Alert.newBuilder()
        .setAlertId(Events.sha256(type + e.getLogId() + e.getLogIndex() + rule + at).substring(0, 32))
        .setType(type).setSeverity(severity).setLogId(e.getLogId()).setLogIndex(e.getLogIndex()).setUuid(e.getUuid())
        .setRuleId(rule).setIdentity(identity)
        .setSummary("signed in " + e.getLogId() + " #" + e.getLogIndex() + " for " + identity)
        .setCertificate(cert)
        .setEvidence(Map.of("why", "SAN " + identity + " matches rule " + rule, "source", e.getSource().name(),
            "entryKind", e.getEntryKind() + " " + e.getEntryVersion(), "artifactDigest", e.getArtifactDigest()))
        .setCreatedAtMillis(at).build();
  }

  private static byte[] root(long size) {
    return HexFormat.of().parseHex(Events.sha256("root" + size));
  }

  private static String hex(int n) {
    return Events.sha256(Long.toString(System.nanoTime())).substring(0, n);
  }

  @Override
  public void close() {
    server.close();
    replays.close();
    store.close();
  }
}
