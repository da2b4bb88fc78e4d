package dev.sigwatch.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.IngestPosition;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.RejectedRecord;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.WatchRule;
import dev.sigwatch.schemas.serde.AvroSerde;
import dev.sigwatch.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

  private final Topics topics = Topics.create(SerdeConfig.embedded());

  @Test
  void catalogueNamesEveryTopicOnceWithItsValueType() {
    assertThat(topics.all()).extracting(Topic::name).containsExactly("sigwatch.checkpoints", "sigwatch.rekor.entries",
        "sigwatch.ct.entries", "sigwatch.log.events", "sigwatch.identities", "sigwatch.alerts", "sigwatch.watchlist",
        "sigwatch.dlq", "sigwatch.ingest.positions", "sigwatch.authorizations");
    assertThat(topics.all()).extracting(t -> (Object) ((AvroSerde<?>) t.valueSerde()).type()).containsExactly(
        Checkpoint.class, RekorEntry.class, CtEntry.class, LogEvent.class, IdentityEvent.class, Alert.class,
        WatchRule.class, RejectedRecord.class, IngestPosition.class, dev.sigwatch.schemas.Authorization.class);
    assertThat(topics.byName("sigwatch.alerts")).containsSame(topics.alerts());
    assertThat(topics.byName("sigwatch.nope")).isEmpty();
  }

  @Test
  void aPrefixedCatalogueRenamesEveryTopicAndKeepsTheRest() {
    Topics it = topics.withPrefix("it-1.");
    assertThat(it.all()).extracting(Topic::name)
        .containsExactlyElementsOf(topics.all().stream().map(t -> "it-1." + t.name()).toList());
    assertThat(((AvroSerde<?>) it.alerts().valueSerde()).type()).isEqualTo(Alert.class);
    assertThat(it.watchlist().configs()).isEqualTo(topics.watchlist().configs());
    assertThat(it.byName("it-1.sigwatch.alerts")).containsSame(it.alerts());
    assertThat(it.withPrefix("x.").checkpoints().name()).isEqualTo("it-1.x.sigwatch.checkpoints");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> topics.withPrefix("bad prefix/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad prefix/");
  }

  @Test
  void keysArePlainUtf8StringsWhateverTheEncoding() {
    Topics withRegistry = Topics.create(SerdeConfig.registry(java.net.URI.create("http://127.0.0.1:1/apis/ccompat/v7")));
    for (Topics t : new Topics[] {topics, withRegistry}) {
      for (Topic<String, ?> topic : t.all()) {
        assertThat(topic.keySerde().serializer().serialize(topic.name(), "rekor.sigstore.dev - 1"))
            .as(topic.name()).isEqualTo("rekor.sigstore.dev - 1".getBytes(StandardCharsets.UTF_8));
        assertThat(topic.keySerde().getClass()).isEqualTo(Serdes.String().getClass());
      }
    }
  }

  @Test
  void watchlistAndPositionsAreCompactedAndTheRestDeleteByAge() {
    assertThat(topics.watchlist().configs()).isEqualTo(Map.of("cleanup.policy", "compact", "retention.ms", "-1"));
    assertThat(topics.ingestPositions().configs()).containsEntry("cleanup.policy", "compact")
        .containsEntry("segment.ms", "3600000");
    assertThat(topics.withPrefix("p.").ingestPositions().configs()).isEqualTo(topics.ingestPositions().configs());
    assertThat(topics.ingestPositions().newTopic((short) 1).configs()).containsEntry("segment.ms", "3600000");
    assertThat(topics.authorizations().configs()).isEqualTo(topics.watchlist().configs());
    assertThat(topics.all()).filteredOn(t -> t != topics.watchlist() && t != topics.ingestPositions()
            && t != topics.authorizations())
        .allSatisfy(t -> assertThat(t.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE));
    assertThat(topics.rekorEntries().configs().get("retention.ms")).isEqualTo(Long.toString(Duration.ofDays(90).toMillis()));
  }

  @Test
  void newTopicCarriesPartitionsReplicationAndConfigs() {
    NewTopic nt = topics.rekorEntries().withPartitions(12).newTopic((short) 3);
    assertThat(nt.name()).isEqualTo("sigwatch.rekor.entries");
    assertThat(nt.numPartitions()).isEqualTo(12);
    assertThat(nt.replicationFactor()).isEqualTo((short) 3);
    assertThat(nt.configs()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "7776000000");
    assertThatThrownBy(() -> topics.alerts().newTopic((short) 0)).hasMessage("replicationFactor must be >= 1, was 0");
  }

  @Test
  void topicValidatesItsSettings() {
    var s = Serdes.String();
    assertThatThrownBy(() -> new Topic<>("bad name", s, s, 1, CleanupPolicy.DELETE, Topic.FOREVER))
        .hasMessageStartingWith("topic name must match");
    assertThatThrownBy(() -> new Topic<>("t", s, s, 0, CleanupPolicy.DELETE, Topic.FOREVER))
        .hasMessage("t: partitions must be >= 1, was 0");
    assertThatThrownBy(() -> new Topic<>("t", s, s, 1, CleanupPolicy.DELETE, Duration.ofMillis(-5)))
        .hasMessage("t: retention must be > 0 or FOREVER, was PT-0.005S");
  }
}
