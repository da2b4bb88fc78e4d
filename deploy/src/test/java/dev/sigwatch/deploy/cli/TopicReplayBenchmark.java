package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.replay.ReplayOutput;
import dev.sigwatch.alert.replay.ReplayRange;
import dev.sigwatch.alert.replay.ReplayWatchlist;
import dev.sigwatch.alert.replay.TopicReplayer;
import dev.sigwatch.broker.EmbeddedKafkaBroker;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.simulator.ca.Identity;
import dev.sigwatch.simulator.ca.IssuedCert;
import dev.sigwatch.simulator.ca.SimCa;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How fast {@code sigwatch replay --source topics} reads: N Rekor hashedrekord entries (certificates of the
 * simulator's CA, {@code distinct} of them cycled — more than the JDK's 750-certificate decode cache, so parsing is
 * paid as on a real log) on an embedded broker in this JVM, replayed by {@link TopicReplayer} with a 3-rule
 * watchlist into a JSON-lines file. Prints the wall rate, the process CPU per record and the load average. Not a test.
 * <pre>
 * mvn -B -o -pl deploy -am -Dsigwatch.buildDir=target-x test-compile package -DskipTests
 * java -cp deploy/target-x/test-classes:deploy/target-x/sigwatch.jar \
 *     dev.sigwatch.deploy.cli.TopicReplayBenchmark [records=200000] [distinct=2000]
 * </pre>
 */
public final class TopicReplayBenchmark {
  private TopicReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int distinct = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    Path dir = Files.createTempDirectory("topic-replay-bench");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dir.resolve("kafka"), Map.of()).start()) {
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      Topics topics = Topics.create(SerdeConfig.embedded()).withPrefix("bench.");
      try (Admin admin = Admin.create(client)) {
        TopicAdmin.ensureTopics(admin, List.of(topics.rekorEntries(), topics.ctEntries()));
      }
      Instant t0 = Instant.now().minus(Duration.ofMinutes(30));
      SimCa ca = new SimCa(t0.minus(Duration.ofDays(1)));
      List<IssuedCert> certs = new ArrayList<>();
      for (int i = 0; i < distinct; i++) {
        Identity id = i % 2 == 0
            ? TopicReplayIT.workflow((i % 50 == 0 ? "acme/app" : "org" + i + "/app") + i, i)
            : Identity.email("dev" + i + "@example.com", "https://accounts.google.com");
        certs.add(ca.issue(id, t0, List.of()));
      }
      System.out.printf(Locale.ROOT, "%,d certificates issued; producing %,d entries%n", distinct, n);
      String topic = topics.rekorEntries().name();
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
          broker.bootstrapServers(), "linger.ms", 20, "batch.size", 262144, "compression.type", "lz4"),
          new StringSerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < n; i++) {
          byte[] v = topics.rekorEntries().valueSerde().serializer().serialize(topic,
              TopicReplayIT.rekor(certs.get(i % distinct), i, t0.toEpochMilli() + i));
          p.send(new ProducerRecord<>(topic, null, t0.toEpochMilli() + i, TopicReplayIT.REKOR + "/" + i, v));
        }
        p.flush();
      }
      Watchlist w = ReplayWatchlist.parse("""
          monitoredValues:
            certIdentities:
              - certSubject: ^https://github\\.com/acme/
                issuers: [https://token\\.actions\\.githubusercontent\\.com]
              - certSubject: ^security@example\\.org$
            fingerprints: [0000000000000000000000000000000000000000000000000000000000000000]
          """);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      double loadStart = os.getSystemLoadAverage();
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      TopicReplayer.Outcome o;
      try (ReplayOutput out = ReplayOutput.file(dir.resolve("hits.jsonl"))) {
        o = new TopicReplayer(client, topics).run("bench", w, ReplayRange.scan(null, null, null), out,
            (read, total, m) -> {}, () -> false);
      }
      double wall = (System.nanoTime() - wall0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf(Locale.ROOT, "%s: %,d records, %,d matches, %,d malformed in %.1f s = %,.0f records/s; "
          + "%.1f µs CPU/record (%.1f s, broker in the same JVM included); load %.1f -> %.1f%n", o.state(), o.read(),
          o.matches(), o.malformed(), wall, o.read() / wall, cpu * 1e6 / Math.max(1, o.read()), cpu, loadStart,
          os.getSystemLoadAverage());
    }
  }
}
