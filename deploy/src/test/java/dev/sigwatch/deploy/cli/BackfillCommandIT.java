package dev.sigwatch.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.deploy.Sigwatch;
import dev.sigwatch.schemas.RekorEntry;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topic;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.SigstoreSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sigwatch backfill} against the simulator and the real broker: exactly the asked range lands, once and in
 * order, with a progress line; run again, it resumes from what it committed and adds nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BackfillCommandIT {
  @TempDir Path dir;

  @Test
  void backfillsExactlyTheRangeOnceWithProgressAndResumesToNothingMore(KafkaTestBroker broker) throws Exception {
    try (SigstoreSimulator sim = SigstoreSimulator.builder().port(0).build().start()) {
      sim.pregenerate(3000);
      Path config = Files.writeString(dir.resolve("backfill.yaml"), String.join("\n",
          "dataDir: " + dir.resolve("data"),
          "kafka:",
          "  bootstrapServers: " + broker.bootstrapServers(),
          ""));
      String[] args = {"backfill", "--config", config.toString(), "--log", sim.rekorV1Url(), "--type", "rekor-v1",
          "--from", "500", "--to", "2500", "--rate", "100"};

      StringWriter err = new StringWriter();
      assertThat(run(err, args)).as(err.toString()).isZero();
      assertThat(err.toString()).contains("100%").contains("entries/s").contains("ETA").contains("at 2,500");
      List<Long> indexes = committedIndexes(broker, sim.rekorV1().host() + " - ");
      assertThat(indexes).isEqualTo(LongStream.range(500, 2500).boxed().toList());

      StringWriter again = new StringWriter();
      assertThat(run(again, args)).as(again.toString()).isZero();
      assertThat(committedIndexes(broker, sim.rekorV1().host() + " - ")).as("nothing published twice")
          .isEqualTo(indexes);

      StringWriter bad = new StringWriter();
      assertThat(run(bad, "backfill", "--log", sim.rekorV1Url(), "--from", "10")).isNotZero();
      assertThat(bad.toString()).contains("Missing required option: '--to=<to>'");
    }
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new Sigwatch());
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** logIndex of every committed Rekor entry whose log id starts with {@code prefix}, in topic order. */
  private static List<Long> committedIndexes(KafkaTestBroker broker, String prefix) {
    Topic<String, RekorEntry> topic = Topics.create(SerdeConfig.embedded()).rekorEntries();
    List<Long> out = new ArrayList<>();
    try (KafkaConsumer<String, RekorEntry> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "isolation.level", "read_committed"), new StringDeserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, RekorEntry> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().startsWith(prefix)) out.add(r.value().getLogIndex());
        }
      }
    }
    return out;
  }
}
