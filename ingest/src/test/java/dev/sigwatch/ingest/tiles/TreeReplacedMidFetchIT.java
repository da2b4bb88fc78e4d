package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.ingest.IngestMetrics;
import dev.sigwatch.ingest.IngestService;
import dev.sigwatch.ingest.TopicReader;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.LogTarget;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.faults.Fault;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tiled log (static-ct, Rekor v2) that replaces its tree (a fork) while ingest is still fetching entries of the old
 * one: the old tree's tiles are no longer served, so the batch ingest is on can never be authenticated against the
 * checkpoint it was announced by. Ingest must not retry that batch forever without looking at the log again: it polls,
 * publishes the forked checkpoint as evidence with the consistency proof the tiles give (which fails: verify raises
 * FORK), reports the failure once, keeps following the log (a later forked head is published too), and never
 * publishes an entry that is not in the old tree nor skips one.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TreeReplacedMidFetchIT {

  /** The two tiled families, each with where its tiles and its entries (bundles, data tiles) are served. */
  enum Family {
    STATIC_CT("static-ct", "/static-ct", "/tile/data/"),
    REKOR_V2("rekor-v2", "/rekor2/api/v2", "/tile/entries/");

    final String config;
    final String prefix;
    final String entries;

    Family(String config, String prefix, String entries) {
      this.config = config;
      this.prefix = prefix;
      this.entries = entries;
    }
  }

  static final int SIZE = 300; // tile 0 full, tile 1 partial (.p/44)

  @ParameterizedTest
  @EnumSource(Family.class)
  void aForkWhileIngestFetchesTheOldTreeIsPublishedWithItsFailingProofAndIngestGoesOn(Family family,
      KafkaTestBroker broker) throws Exception {
    Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix("tree-replaced-" + UUID.randomUUID() + ".");
    try (Admin a = broker.admin()) {
      TopicAdmin.ensureTopics(a, topics.all());
    }
    try (SigstoreSimulator sim = SigstoreSimulator.builder().build().start()) {
      boolean ct = family == Family.STATIC_CT;
      String url = ct ? sim.staticCtUrl() : sim.rekorV2Url();
      String logId = dev.sigwatch.ingest.LogTarget.of(family.config, url).withoutScheme();
      if (ct) {
        TiledIngestIT.growCerts(sim, SIZE - (int) sim.staticCt().tree().size());
      } else {
        sim.pregenerate(SIZE - (int) sim.rekorV2().publishedSize());
      }
      java.util.function.LongSupplier published = ct ? () -> sim.staticCt().sth().size() : sim.rekorV2()::publishedSize;
      long n = published.getAsLong();
      assertThat(n).isEqualTo(SIZE);
      var oldTree = ct ? sim.staticCt().tree() : sim.rekorV2().tree();
      List<byte[]> oldLeaves = new ArrayList<>();
      for (long i = 0; i < n; i++) oldLeaves.add(oldTree.leafHash(i));
      byte[] oldRoot = oldTree.root(n);
      // Ingest gets through the first tile, then the entries of the second are unavailable: it is mid-fetch. They stay
      // unavailable: a fetch that authenticated the old tile just before the fork never gets the forked entries.
      sim.inject(Fault.withProbability(1.0, Fault.Kind.UNAVAILABLE, family.prefix + family.entries + "001"));
      Function<Object, Long> index = e -> e instanceof CtEntry c ? c.getIndex() : ((RekorEntry) e).getLogIndex();
      Function<Object, byte[]> leaf = e -> e instanceof CtEntry c ? Rfc6962.leafHash(bytes(c.getLeafInput()))
          : Rfc6962.leafHash(bytes(((RekorEntry) e).getBody()));
      try (TopicReader<?> entries = ct ? new TopicReader<>(broker, topics.ctEntries(), logId)
              : new TopicReader<>(broker, topics.rekorEntries(), logId);
          TopicReader<Checkpoint> checkpoints = new TopicReader<>(broker, topics.checkpoints(), logId);
          TopicReader<RejectedRecord> dlq = new TopicReader<>(broker, topics.dlq(), "ingest:")) {
        IngestService service = new IngestService(TiledIngestIT.settings(family.config, url).withInFlight(1),
            Map.of("bootstrap.servers", broker.bootstrapServers()), topics, IngestMetrics.unregistered()).start();
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> entries.poll().size() >= 256);

          sim.trigger(Incident.FORK, ct ? LogTarget.STATIC_CT : LogTarget.REKOR_V2);
          long forked = published.getAsLong();
          byte[] forkedRoot = (ct ? sim.staticCt().tree() : sim.rekorV2().tree()).root(forked);
          assertThat(forked).isEqualTo(n + 1);
          // The forked head is published, as evidence, with the proof from the last published head that the tiles
          // give: it does not verify, which is verify's proof of a fork.
          await().atMost(Duration.ofSeconds(30)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == forked));
          Checkpoint evidence = checkpoints.values().stream().filter(c -> c.getTreeSize() == forked).findFirst()
              .orElseThrow();
          assertThat(evidence.getProofFromSize()).isEqualTo(n);
          assertThat(bytes(evidence.getProofFromRoot())).isEqualTo(oldRoot);
          assertThat(bytes(evidence.getRootHash())).isEqualTo(forkedRoot);
          List<byte[]> proof = evidence.getConsistencyProof().stream().map(TreeReplacedMidFetchIT::bytes).toList();
          assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(n, forked, proof, oldRoot, forkedRoot))
              .isInstanceOf(ProofException.class);
          await().atMost(Duration.ofSeconds(30)).until(() -> dlq.poll().stream().anyMatch(r -> r.value().getReason()
              .startsWith("checkpoint size " + forked + " is not proven consistent")));
          assertThat(dlq.values()).as("the fetch that found the old tree gone")
              .anyMatch(r -> r.getReason().startsWith("fetching [256, " + SIZE + ")") && r.getReason().contains("does not hash"));

          // Ingest keeps polling the forked log: its next head is published too.
          if (ct) {
            TiledIngestIT.growCerts(sim, 5);
          } else {
            sim.pregenerate(5);
          }
          long later = published.getAsLong();
          await().atMost(Duration.ofSeconds(30)).until(() -> checkpoints.poll().stream()
              .anyMatch(r -> r.value().getTreeSize() == later));
        } finally {
          service.close();
        }
        // Nothing skipped, nothing from the forked tree: exactly the old tree's first tile, once, in order.
        entries.poll();
        List<?> got = entries.values();
        assertThat(got).extracting(index::apply).isEqualTo(TiledIngestIT.range(0, 256));
        for (Object e : got) assertThat(leaf.apply(e)).isEqualTo(oldLeaves.get(index.apply(e).intValue()));
        assertThat(dlq.poll()).noneMatch(r -> r.value().getLogIndex() != null);
      }
    }
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
