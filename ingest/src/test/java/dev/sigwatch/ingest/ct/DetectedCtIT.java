package dev.sigwatch.ingest.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.IngestSettings;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.StartMode;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.RetryPolicy;
import dev.sigwatch.ingest.tiles.HttpTileFetcher;
import dev.sigwatch.ingest.tiles.StaticCtSource;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.LogType;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.ca.Identity;
import java.io.FileNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A log configured (or discovered from a trusted root) as {@code ct} is read with whichever API it serves: the
 * simulator's RFC 6962 log as CT, its static-ct log (which answers 404 to get-sth, as real ones do) through tiles.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DetectedCtIT {

  @Test
  void aCtTargetThatServesTilesIsIngestedAsStaticCtAndStaysSoAcrossARestart(KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix("detected-ct-it.");
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      String logId = sim.staticCtUrl().substring("http://".length());
      logCertificates(sim, 300);
      try (CtIngestIT.Reader<CtEntry> entries = new CtIngestIT.Reader<>(broker, topics.ctEntries(), logId);
          CtIngestIT.Reader<Checkpoint> checkpoints = new CtIngestIT.Reader<>(broker, topics.checkpoints(), logId)) {
        long first = sim.staticCt().tree().size();
        ingestUntil(broker, topics, sim.staticCtUrl(), () -> entries.poll().size() >= first);
        logCertificates(sim, 40);
        long total = sim.staticCt().tree().size();
        ingestUntil(broker, topics, sim.staticCtUrl(), () -> entries.poll().size() >= total); // resumes
        entries.poll();
        assertThat(entries.values()).extracting(CtEntry::getIndex)
            .isEqualTo(LongStream.range(0, total).boxed().toList());
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.getLogType()).isEqualTo(LogType.STATIC_CT));
        assertThat(checkpoints.poll()).isNotEmpty()
            .allSatisfy(r -> assertThat(r.value().getLogType()).isEqualTo(LogType.STATIC_CT));
      }
    }
  }

  @Test
  void anRfc6962LogIsReadAsCtAndAUrlThatIsNeitherSaysSo() throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      Topics topics = Topics.create(SerdeConfig.embedded());
      DetectedCtSource rfc = detected(sim.ctUrl(), topics);
      assertThat(rfc.api()).isNull();
      Checkpoint sth = rfc.poll(Map.of()).checkpoints().get(0);
      assertThat(rfc.api()).isEqualTo(LogType.CT);
      assertThat(sth.getLogType()).isEqualTo(LogType.CT);

      DetectedCtSource tiled = detected(sim.staticCtUrl(), topics);
      assertThat(tiled.poll(Map.of()).checkpoints().get(0).getLogType()).isEqualTo(LogType.STATIC_CT);
      assertThat(tiled.api()).isEqualTo(LogType.STATIC_CT);

      DetectedCtSource neither = detected(sim.baseUrl() + "/no-such-log", topics);
      assertThatThrownBy(() -> neither.poll(Map.of())).isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining("neither an RFC 6962 tree head").hasMessageContaining("nor a static-ct checkpoint");
      assertThat(neither.api()).isNull();
    }
  }

  private static DetectedCtSource detected(String url, Topics topics) {
    LogTarget ct = LogTarget.of("ct", url);
    LogTarget tiles = LogTarget.of("static-ct", url);
    LogHttp h = CtSourceTest.http(ct.withoutScheme());
    return new DetectedCtSource(new CtSource(ct, new HttpCtClient(ct, h), topics, Clock.systemUTC()),
        new StaticCtSource(tiles, new HttpTileFetcher(h, StaticCtSource.tilePrefix(tiles)), topics, Clock.systemUTC()));
  }

  private static void ingestUntil(KafkaTestBroker broker, Topics topics, String url,
      java.util.concurrent.Callable<Boolean> done) throws Exception {
    IngestSettings s = IngestSettings.defaults(List.of(LogTarget.of("ct", url))).withStartMode(new StartMode.AtIndex(0))
        .withPollInterval(Duration.ofMillis(200)).withRate(Double.POSITIVE_INFINITY).withInFlight(4)
        .withRetry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));
    IngestService service = new IngestService(s, Map.of("bootstrap.servers", broker.bootstrapServers()), topics,
        IngestMetrics.unregistered()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(done);
    } finally {
      service.close();
    }
  }

  private static void logCertificates(SigstoreSimulator sim, int n) {
    Instant now = Instant.now();
    for (int i = 0; i < n; i++) {
      sim.ca().issue(Identity.email("dev" + i + "@example.com", Identity.GITHUB_ISSUER), now, List.of(sim.staticCt()));
    }
    sim.staticCt().publish();
  }
}
